import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createClient } from '../../shared/contract';
import { App } from './App';
import { selectBridge } from './api/bridge';
import { connectStore } from './store';
// After the app: the features' stylesheets come first in the page and this one after them, so a
// global rule that competes with a feature's rule of the same weight wins (styles.test.ts checks).
import './styles.css';

const selected = selectBridge();
connectStore(createClient(selected.bridge), selected);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
