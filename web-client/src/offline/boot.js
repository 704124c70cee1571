// The offline chunk's entry (loaded by lazy.js): the controller, its panel, and its start.
import { createOffline } from './controller.js';
import { mountOfflinePanel } from './panel.js';

/** env: {device, mountPanel(mountOfflinePanel, controller)}; returns the started controller. */
export function bootOffline(store, { mountPanel, ...env }) {
  const controller = createOffline(store, env);
  mountPanel?.(mountOfflinePanel, controller);
  controller.start();
  return controller;
}
