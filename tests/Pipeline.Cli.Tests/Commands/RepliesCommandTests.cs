using System.Text.Json;
using Pipeline.Cli.Commands;

namespace Pipeline.Cli.Tests.Commands;

public sealed class RepliesCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pipeline-replies-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private FileInfo Write(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return new FileInfo(path);
    }

    [Fact]
    public async Task Parse_Json_GivesEachDecisionAndTheUnclearSentences()
    {
        var reply = Write("reply.txt", "Hi Dana,\n\nLet's talk to Priya and #3. Pass on 2. What about 5?\n\nThanks,\nDana\n\nOn Tue, 24 Nov 2026 at 09:14, Talent Pipeline wrote:\n> yes to 1 and 2");
        var names = Write("names.txt", "Priya Natarajan\nSam Okafor\nLena Vogel\n");
        var output = new StringWriter();

        var exit = await RepliesCommand.ParseAsync(reply, 4, names, json: true, output, new StringWriter(), CancellationToken.None);

        Assert.Equal(0, exit);
        using var result = JsonDocument.Parse(output.ToString());
        Assert.Equal(
            ["1:interview", "2:reject", "3:interview"],
            result.RootElement.GetProperty("decisions").EnumerateArray().Select(d => $"{d.GetProperty("candidate").GetInt32()}:{d.GetProperty("decision").GetString()}"));
        Assert.Contains("#5", Assert.Single(result.RootElement.GetProperty("unclear").EnumerateArray()).GetString(), StringComparison.Ordinal);
        Assert.False(result.RootElement.GetProperty("clear").GetBoolean());
    }

    [Fact]
    public async Task Parse_Json_ShowsPerCandidateTheSentencesUsedAndWhyUnclear()
    {
        var reply = Write("reply.txt", "Interview 1.\nMaybe 2?\nPass on 3.\n");
        var output = new StringWriter();

        var exit = await RepliesCommand.ParseAsync(reply, 3, null, json: true, output, new StringWriter(), CancellationToken.None);

        Assert.Equal(0, exit);
        using var result = JsonDocument.Parse(output.ToString());
        var candidates = result.RootElement.GetProperty("candidates").EnumerateArray().ToDictionary(c => c.GetProperty("candidate").GetInt32());
        Assert.Equal("interview", candidates[1].GetProperty("decision").GetString());
        Assert.Equal(["Interview 1."], candidates[1].GetProperty("sentences").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal("unclear", candidates[2].GetProperty("decision").GetString());
        Assert.Contains("doubt", candidates[2].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal("reject", candidates[3].GetProperty("decision").GetString());
        Assert.Equal("answer", result.RootElement.GetProperty("kind").GetString());
        Assert.False(result.RootElement.GetProperty("correction").GetBoolean());
    }

    [Fact]
    public async Task Parse_WithoutAShortlistSize_IsRefused()
    {
        var error = new StringWriter();
        Assert.Equal(2, await RepliesCommand.ParseAsync(Write("r.txt", "yes"), 0, null, json: false, new StringWriter(), error, CancellationToken.None));
        Assert.Contains("--candidates", error.ToString(), StringComparison.Ordinal);
    }
}
