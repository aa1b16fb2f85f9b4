using System.Security.Cryptography;
using System.Text.Json;
using Pipeline.Core.Configuration;
using Pipeline.Domain;
using Pipeline.Domain.Candidates;
using Pipeline.Domain.Certifications;
using Pipeline.Domain.Requisitions;
using Pipeline.Domain.Shortlists;

namespace Pipeline.Core.Shortlists;

/// <summary>A person whose profile or credential checks changed: as they were, and as they are (null: gone).</summary>
public sealed record PoolChange(
    CandidateProfile? Before,
    CandidateProfile? After,
    IReadOnlyDictionary<string, VerificationResult>? ChecksBefore,
    IReadOnlyDictionary<string, VerificationResult>? ChecksAfter);

/// <summary>
/// Keeps each open requisition's pool of qualifying candidates in step with changes, so that only the requisitions a
/// change affects are re-scored: a person is scored against every open requisition as they were and as they are,
/// and only where whether they qualify, or their score, differs is the pool written and the shortlist marked out of
/// date.
/// </summary>
public sealed class ShortlistPools(PoolStore poolStore, ShortlistStore shortlists, ShortlistScoring scoring, PipelineConfiguration configuration, TimeProvider time)
{
    /// <summary>Identifies what a pool was built for: the requisition as configured and the catalogue's version.</summary>
    public string BuiltFor(Requisition requisition) =>
        Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(new { requisition, catalogue = configuration.Catalogue.Version }, DomainJson.Options)))[..32];

    /// <summary>Applies the changes to the pools; returns the requisitions whose pool changed, which are now marked out of date.</summary>
    public async Task<IReadOnlyList<string>> ApplyAsync(IReadOnlyList<PoolChange> changes, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var affected = new List<string>();
        foreach (var requisition in configuration.Requisitions.Where(r => r.IsOpen))
        {
            var writes = new List<(string CandidateId, double? Score)>();
            foreach (var change in changes)
            {
                var before = scoring.Qualifying(requisition, change.Before, change.ChecksBefore, now);
                var after = scoring.Qualifying(requisition, change.After, change.ChecksAfter, now);
                var id = (change.After ?? change.Before)?.CandidateId;
                if (id is not null && before != after)
                {
                    writes.Add((id, after));
                }
            }

            if (writes.Count > 0)
            {
                await poolStore.ApplyAsync(requisition.Id, writes, cancellationToken);
                await shortlists.MarkDirtyAsync(requisition.Id, now, cancellationToken);
                affected.Add(requisition.Id);
            }
        }

        return affected;
    }

    /// <summary>Sends every open requisition's next build back to every candidate (after a split or an erasure) and marks it out of date.</summary>
    public async Task InvalidateAllAsync(CancellationToken cancellationToken)
    {
        foreach (var requisition in configuration.Requisitions.Where(r => r.IsOpen))
        {
            await poolStore.InvalidateAsync(requisition.Id, cancellationToken);
        }

        await shortlists.MarkOpenDirtyAsync(configuration.Requisitions, time.GetUtcNow(), cancellationToken);
    }
}
