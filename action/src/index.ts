// The GitHub Action is built in the client issue (#3); this placeholder keeps
// the workspace in the build so that its tsconfig and references stay honest.
export {};
