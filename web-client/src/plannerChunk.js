// The planner's code as one chunk, loaded by plannerLazy.js the first time the planner opens:
// its actions (planner.js, planner/) and its panel (ui/planner/).
export { createPlanner } from './planner.js';
export { mountPlanner } from './ui/planner/panel.js';
