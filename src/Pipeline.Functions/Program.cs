using Pipeline.Functions;

await HandlerApp.Build(args).RunAsync();
