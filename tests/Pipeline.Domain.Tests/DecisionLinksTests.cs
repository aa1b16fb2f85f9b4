using System.Text;
using Pipeline.Domain.Replies;

namespace Pipeline.Domain.Tests;

public class DecisionLinksTests
{
    private static readonly byte[] Key = Encoding.UTF8.GetBytes("a-test-key-of-at-least-32-bytes!!");
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private static readonly DecisionLinkClaims Claims = new("ml-engineer-platform", 3, 2, Decision.Interview, Now.AddDays(14), "n0nce");

    [Fact]
    public void Signed_VerifiesWithItsClaims()
    {
        var (check, claims) = DecisionLinks.Verify(Key, DecisionLinks.Sign(Key, Claims), Now);
        Assert.Equal(LinkCheck.Valid, check);
        Assert.Equal(Claims, claims);
    }

    [Fact]
    public void AlteredClaims_OrAnotherKey_AreForged()
    {
        var token = DecisionLinks.Sign(Key, Claims);
        var otherDecision = DecisionLinks.Sign(Key, Claims with { Decision = Decision.Reject }).Split('.')[0] + "." + token.Split('.')[1];

        Assert.Equal(LinkCheck.Forged, DecisionLinks.Verify(Key, otherDecision, Now).Check);
        Assert.Equal(LinkCheck.Forged, DecisionLinks.Verify(Encoding.UTF8.GetBytes("another-key-of-at-least-32-bytes!"), token, Now).Check);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not-a-token")]
    [InlineData("a.b.c")]
    [InlineData("!!!.???")]
    public void Garbage_IsMalformed(string? token) => Assert.Equal(LinkCheck.Malformed, DecisionLinks.Verify(Key, token, Now).Check);

    [Fact]
    public void PastItsExpiry_IsExpired()
    {
        var token = DecisionLinks.Sign(Key, Claims);
        Assert.Equal(LinkCheck.Expired, DecisionLinks.Verify(Key, token, Claims.Expires).Check);
        Assert.Equal(LinkCheck.Valid, DecisionLinks.Verify(Key, token, Claims.Expires.AddSeconds(-1)).Check);
    }
}
