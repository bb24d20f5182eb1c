// EndToEndTests: tests land with their module.
