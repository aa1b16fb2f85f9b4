using System.Text.Json.Serialization;

namespace Pipeline.Domain.Replies;

[JsonConverter(typeof(JsonStringEnumConverter<Decision>))]
public enum Decision
{
    Interview,
    Reject,
    Hold,
}

/// <summary>One decision about one shortlisted candidate (numbered as in the email), and the words that made it.</summary>
public sealed record CandidateDecision(int Candidate, Decision Decision, string Sentence)
{
    /// <summary>Every sentence of the reply that spoke about this candidate (the first is <see cref="Sentence"/>).</summary>
    public IReadOnlyList<string> Sentences { get; init; } = [Sentence];
}

/// <summary>
/// A candidate the reply spoke about without a decision that can be recorded, and why, in words the hiring manager
/// can answer. The number may lie outside the shortlist ("interview 6" on a list of four).
/// </summary>
public sealed record UnclearCandidate(int Candidate, string Reason);

[JsonConverter(typeof(JsonStringEnumConverter<ReplyKind>))]
public enum ReplyKind
{
    /// <summary>The manager answered (or tried to): decisions, unclear parts, or a non-answer that needs a question back.</summary>
    Answer,

    /// <summary>An out-of-office or other automatic reply: nothing to record and nothing to ask.</summary>
    AutoReply,

    /// <summary>"Let me think", "forwarding to my co-lead": nothing decided yet, and nothing to ask.</summary>
    Deferral,
}

/// <summary>
/// What a reply decided, and what it said that could not be used. Nothing is guessed: a reply with anything unclear
/// gets a clarification that lists both.
/// </summary>
public sealed record ParsedReply(IReadOnlyList<CandidateDecision> Decisions, IReadOnlyList<string> Unclear)
{
    /// <summary>The candidates to ask about, each with its reason (also among <see cref="Unclear"/>).</summary>
    public IReadOnlyList<UnclearCandidate> UnclearCandidates { get; init; } = [];

    public ReplyKind Kind { get; init; } = ReplyKind.Answer;

    /// <summary>The reply says it corrects an earlier one ("correction: 2 is a reject"); its decisions replace those recorded before.</summary>
    public bool IsCorrection { get; init; }

    public bool IsClear => Unclear.Count == 0 && Decisions.Count > 0;

    /// <summary>The reply needs a question back: something unclear, or an answer with no decision in it.</summary>
    public bool NeedsClarification => Kind == ReplyKind.Answer && !IsClear;
}
