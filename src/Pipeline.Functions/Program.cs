using Pipeline.Functions;

WebApplication app;
try
{
    app = HandlerApp.Build(args);
}
catch (Exception e) when (HandlerApp.StartRefusal(e) is { } problems)
{
    // The Functions host shows the handler's stderr: one line per bad setting beats a stack trace.
    foreach (var problem in problems)
    {
        await Console.Error.WriteLineAsync("Pipeline.Functions cannot start: " + problem);
    }

    return 1;
}

await app.RunAsync();
return 0;
