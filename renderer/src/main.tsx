import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createClient } from '../../shared/contract';
import { App } from './App';
import { selectBridge } from './api/bridge';
import { connectStore } from './store';
import './styles.css';

const selected = selectBridge();
connectStore(createClient(selected.bridge), selected);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
