import type { InputOf } from '../../../../shared/contract';
import { client } from '../../api/client';

/*
 * The calls the Monitors view makes besides what the store holds (the monitors, their channels and
 * alert settings, recent alerts, Uptime Kuma and the heartbeat): changes, whose outcome the view
 * then lists again or the services' events bring, and detail reads.
 */

const monitors = () => client().monitors;

export const addMonitor = (input: InputOf<'monitors.add'>) => monitors().add(input);
export const updateMonitor = (input: InputOf<'monitors.update'>) => monitors().update(input);
export const removeMonitor = (input: InputOf<'monitors.remove'>) => monitors().remove(input);
export const pauseMonitor = (input: InputOf<'monitors.pause'>) => monitors().pause(input);
export const resumeMonitor = (input: InputOf<'monitors.resume'>) => monitors().resume(input);
export const monitorHistory = (input: InputOf<'monitors.history'>) => monitors().history(input);
export const pushUrl = (input: InputOf<'monitors.pushUrl'>) => monitors().pushUrl(input);
export const monitorSuggestions = () => monitors().suggestions();
export const addSuggestedMonitor = (input: InputOf<'monitors.addSuggested'>) => monitors().addSuggested(input);
export const importMonitorsYaml = (input: InputOf<'monitors.importYaml'>) => monitors().importYaml(input);
export const exportMonitorsYaml = () => monitors().exportYaml();

export const muteMonitor = (input: InputOf<'monitors.mute'>) => monitors().mute(input);
export const unmuteMonitor = (input: InputOf<'monitors.unmute'>) => monitors().unmute(input);
export const setMaintenance = (input: InputOf<'monitors.setMaintenance'>) => monitors().setMaintenance(input);
export const setRouting = (input: InputOf<'monitors.setRouting'>) => monitors().setRouting(input);

export const addChannel = (input: InputOf<'monitors.addChannel'>) => monitors().addChannel(input);
export const updateChannel = (input: InputOf<'monitors.updateChannel'>) => monitors().updateChannel(input);
export const removeChannel = (input: InputOf<'monitors.removeChannel'>) => monitors().removeChannel(input);
export const testChannel = (input: InputOf<'monitors.testChannel'>) => monitors().testChannel(input);
export const setDefaultChannels = (input: InputOf<'monitors.setDefaultChannels'>) => monitors().setDefaultChannels(input);

export const addKuma = (input: InputOf<'kuma.add'>) => client().kuma.add(input);
export const removeKuma = (input: InputOf<'kuma.remove'>) => client().kuma.remove(input);
export const pauseKumaMonitor = (input: InputOf<'kuma.pauseMonitor'>) => client().kuma.pauseMonitor(input);
export const resumeKumaMonitor = (input: InputOf<'kuma.resumeMonitor'>) => client().kuma.resumeMonitor(input);
