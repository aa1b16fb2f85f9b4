using Pipeline.Core.Privacy;


namespace Pipeline.Core.Tests.Privacy;

public sealed class PersonTracesTests
{
    private static PersonTraces CreateSut() => new("c0ffee0123456789", ["ana.ruiz@uni.example", "https://www.linkedin.com/in/ana-ruiz"]);

    [Theory]
    // Not about her: the very same string comes back.
    [InlineData("""{"requisitionId":"ml","version":3}""", """{"requisitionId":"ml","version":3}""")]
    [InlineData("plain text about nobody", "plain text about nobody")]
    // About her alone, or where nothing can be taken out: deleted.
    [InlineData("""{"candidateIds":["c0ffee0123456789"],"reason":"screened"}""", null)]
    [InlineData("""{"from":"ANA.RUIZ@uni.example","subject":"Re: shortlist"}""", null)]
    [InlineData("""{"from":"ana.ruiz\u0040uni.example"}""", null)] // an escape does not hide her
    [InlineData("not json, ana.ruiz@uni.example", null)]
    // About her among others: rewritten without her.
    [InlineData("""{"candidateIds":["aaaa","c0ffee0123456789"],"reason":"screened"}""", """{"candidateIds":["aaaa"],"reason":"screened"}""")]
    [InlineData("""{"candidates":[{"email":"ana.ruiz@uni.example"},{"email":"bo@uni.example"}],"positions":[4,5]}""", """{"candidates":[{"email":"bo@uni.example"}],"positions":[5]}""")]
    [InlineData("""{"candidates":[{"email":"bo@uni.example","profileUrls":["https://www.linkedin.com/in/ana-ruiz"]}],"positions":[5]}""", null)]
    public void Scrub_Body_KeepsRewritesOrDeletes(string body, string? expected)
    {
        var scrubbed = CreateSut().Scrub(body);

        Assert.Equal(expected, scrubbed);
        if (expected == body)
        {
            Assert.Same(body, scrubbed);
        }
    }
}
