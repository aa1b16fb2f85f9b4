using System.CommandLine;
using Pipeline.Cli.Commands;
using Pipeline.Cli.ServiceBus;

var root = new RootCommand("Pipeline: pulls candidates from university and bootcamp feeds, scores them against requisitions, and delivers shortlists.");
root.Options.Add(CliOptions.Config);
root.Options.Add(CliOptions.Data);
root.Subcommands.Add(RunCommand.Create());
root.Subcommands.Add(StatusCommand.Create(ServiceBusDeadLetters.Connect));
root.Subcommands.Add(FeedsCommand.Create());
root.Subcommands.Add(ShortlistCommand.Create());
root.Subcommands.Add(CandidatesCommand.Create());
root.Subcommands.Add(RepliesCommand.Create());
root.Subcommands.Add(DecisionsCommand.Create());
root.Subcommands.Add(TeamsCommand.Create());
root.Subcommands.Add(CertsCommand.Create());
root.Subcommands.Add(OutboxCommand.Create());
root.Subcommands.Add(DeadLettersCommand.Create(ServiceBusDeadLetters.Connect));
foreach (var command in PersonalDataCommands.Create())
{
    root.Subcommands.Add(command);
}

return await root.Parse(args).InvokeAsync();
