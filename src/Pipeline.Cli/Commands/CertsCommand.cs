using System.CommandLine;
using System.Text.Json;
using Pipeline.Core;
using Pipeline.Core.Certifications;
using Pipeline.Core.Configuration;
using Pipeline.Domain;
using Pipeline.Domain.Certifications;

namespace Pipeline.Cli.Commands;

internal static class CertsCommand
{
    public static string DefaultCataloguePath => Path.Combine(AppContext.BaseDirectory, "catalogue", "certifications.json");

    /// <param name="time">Where today comes from for <c>catalogue --check</c> (tests bring their own clock).</param>
    public static Command Create(TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        var file = new Option<FileInfo>("--catalogue")
        {
            Description = "The certification catalogue",
            HelpName = "file",
            DefaultValueFactory = _ => new FileInfo(DefaultCataloguePath),
        };
        var check = new Option<bool>("--check")
        {
            Description = "Flag certifications past retirement without a successor, and requisitions (requisitions.json in --config) that require a retired one; exit 1 when anything is flagged",
        };
        var catalogue = new Command("catalogue", "The vendor certifications Pipeline recognises, with retirements and successors") { file, check, CliOptions.Json };
        catalogue.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(check))
            {
                return await CheckAsync(
                    parse.GetValue(file)!.FullName, parse.GetValue(CliOptions.Config)!, parse.GetValue(CliOptions.Json), output, parse.InvocationConfiguration.Error, time, cancellationToken);
            }

            CertificationCatalogue loaded;
            try
            {
                loaded = await LoadAsync(parse.GetValue(file)!.FullName, cancellationToken);
            }
            catch (Exception e) when (e is IOException or JsonException or InvalidOperationException)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync(e.Message);
                return 2;
            }

            if (parse.GetValue(CliOptions.Json))
            {
                var options = new JsonSerializerOptions(DomainJson.Options)
                {
                    WriteIndented = true,
                    Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
                    DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
                };
                await output.WriteLineAsync(JsonSerializer.Serialize(new { version = loaded.Version, certifications = loaded.Certifications }, options));
                return 0;
            }

            await output.WriteLineAsync($"Certification catalogue {loaded.Version}");
            foreach (var c in loaded.Certifications)
            {
                var retired = c.Retired is { } r ? $", retired {r:yyyy-MM-dd}{(c.Successor is null ? "" : $", successor {c.Successor}")}" : "";
                var validity = c.DoesNotExpire ? "does not expire" : c.ValidityMonths is { } months ? $"valid {months} months" : "validity not recorded";
                await output.WriteLineAsync($"  {c.Id,-36} {c.Name} ({c.ExamCode ?? "no exam code"}), {validity}{retired}; checked {c.Checked:yyyy-MM-dd}");
            }

            return 0;
        });
        return new Command("certs", "Vendor certifications") { catalogue, CreateVerify(file) };
    }

    private static Command CreateVerify(Option<FileInfo> catalogueFile)
    {
        var url = new Option<string>("--url") { Description = "The credential's link: an Open Badges assertion, or a Microsoft Learn transcript share link", Required = true };
        var emails = new Option<string[]>("--email") { Description = "An email of the candidate (repeat for several)", Required = true, AllowMultipleArgumentsPerToken = false };
        var claim = new Option<string?>("--claim") { Description = "What the candidate says it is (needed for a Microsoft Learn transcript, which lists several)", HelpName = "name" };
        var credentialId = new Option<string?>("--credential-id") { Description = "The credential id the candidate gives, to confirm against the source", HelpName = "id" };
        var testHosts = new Option<string[]>("--allow-test-host") { Description = "Admit a loopback HOST:PORT (localhost, 127.x.x.x, [::1]) over plain HTTP (test servers only; refused in Azure)", HelpName = "host:port" };
        var verify = new Command("verify", "Check a credential at its source and print the outcome with its evidence")
        {
            url, emails, claim, credentialId, catalogueFile, testHosts, CliOptions.Json,
        };
        verify.SetAction(async (parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;

            // The same hosts and rules as the function app's defaults.
            var options = new PipelineOptions { CredentialTestHosts = string.Join(',', parse.GetValue(testHosts) ?? []) };
            CertificationCatalogue catalogue;
            try
            {
                SafeFetcher.RefuseTestHostsInAzure(new SafeFetchPolicy { TestHosts = PipelineOptions.SplitList(options.CredentialTestHosts) });
                catalogue = await LoadAsync(parse.GetValue(catalogueFile)!.FullName, cancellationToken);
            }
            catch (Exception e) when (e is IOException or JsonException or InvalidOperationException)
            {
                await error.WriteLineAsync(e.Message);
                return 2;
            }

            if (!Uri.TryCreate(parse.GetValue(url), UriKind.Absolute, out var credentialUrl))
            {
                await error.WriteLineAsync($"--url '{parse.GetValue(url)}' is not an absolute URL.");
                return 2;
            }

            var verifier = CoreServiceCollectionExtensions.CreateCredentialVerifier(options, catalogue, TimeProvider.System);
            var result = await verifier.VerifyAsync(
                new CredentialClaim(credentialUrl, parse.GetValue(emails)!, parse.GetValue(claim) ?? "", parse.GetValue(credentialId)), cancellationToken);
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(CliOptions.Json))
            {
                var json = new JsonSerializerOptions(DomainJson.Options) { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
                await output.WriteLineAsync(JsonSerializer.Serialize(new
                {
                    outcome = result.Outcome.ToString(),
                    certification = result.Certification,
                    evidence = new
                    {
                        reason = result.Reason, fetched = result.Fetched, issuer = result.Issuer, badgeClass = result.BadgeClass,
                        issuedOn = result.IssuedOn, expires = result.Expires, matchedEmail = result.MatchedEmail, checkedAt = result.CheckedAt,
                        confirmed = result.Confirmed, notConfirmed = result.NotConfirmed,
                    },
                }, json));
            }
            else
            {
                await output.WriteLineAsync($"{result.Outcome}{(result.Certification is null ? "" : $" ({result.Certification})")}: {result.Reason}");
                foreach (var fetched in result.Fetched)
                {
                    await output.WriteLineAsync($"  fetched {fetched}");
                }

                if (result.NotConfirmed.Count > 0)
                {
                    await output.WriteLineAsync($"  not confirmed by the source: {string.Join(", ", result.NotConfirmed)}");
                }
            }

            // Unreachable is worth retrying; every other outcome is an answer.
            return result.Outcome == VerificationOutcome.Unreachable ? 1 : 0;
        });
        return verify;
    }

    /// <summary>
    /// <c>certs catalogue --check</c>: the catalogue against today and the requisitions in <paramref name="config"/>.
    /// Reads the two files as the function app does and starts nothing. Exit 0: nothing flagged; 1: something flagged;
    /// 2: the catalogue or the requisitions cannot be read or are not valid.
    /// </summary>
    public static async Task<int> CheckAsync(
        string cataloguePath, DirectoryInfo config, bool json, TextWriter output, TextWriter error, TimeProvider time, CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        CertificationCatalogue catalogue;
        IReadOnlyList<Domain.Requisitions.Requisition> requisitions;
        try
        {
            catalogue = await LoadAsync(cataloguePath, cancellationToken, today);
            requisitions = PipelineConfiguration.LoadRequisitions(config.FullName, catalogue);
        }
        catch (InvalidOperationException e)
        {
            await error.WriteLineAsync(e.Message);
            return 2;
        }

        var findings = CatalogueCheck.Run(catalogue, requisitions, today);
        var flagged = findings.Where(f => f.Flagged).ToList();
        var notes = findings.Where(f => !f.Flagged).ToList();
        if (json)
        {
            var options = new JsonSerializerOptions(DomainJson.Options)
            {
                WriteIndented = true,
                DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
            };
            await output.WriteLineAsync(JsonSerializer.Serialize(
                new
                {
                    version = catalogue.Version,
                    today,
                    catalogue = Path.GetFullPath(cataloguePath),
                    requisitionsFile = Path.Combine(config.FullName, ConfigurationFiles.Requisitions),
                    certifications = catalogue.Certifications.Count,
                    requisitions = requisitions.Count,
                    flagged,
                    notes,
                },
                options));
        }
        else
        {
            await output.WriteLineAsync(
                $"Certification catalogue {catalogue.Version} ({catalogue.Certifications.Count} certifications) and {requisitions.Count} requisitions in {config.FullName}, checked for {today:yyyy-MM-dd}");
            foreach (var f in flagged)
            {
                await output.WriteLineAsync($"  FLAGGED  {f.Message}");
            }

            foreach (var f in notes)
            {
                await output.WriteLineAsync($"  note     {f.Message}");
            }

            await output.WriteLineAsync(flagged.Count == 0
                ? "Nothing flagged."
                : $"{flagged.Count} flagged: {string.Join(", ", flagged.GroupBy(f => f.Kind).Select(g => $"{g.Count()} {Describe(g.Key)}"))}.");
        }

        return flagged.Count == 0 ? 0 : 1;
    }

    private static string Describe(CatalogueFindingKind kind) => kind switch
    {
        CatalogueFindingKind.RetiredWithoutSuccessor => "retired without a successor",
        CatalogueFindingKind.RequisitionRequiresRetired => "requiring a retired certification",
        _ => kind.ToString(),
    };

    /// <summary>Read and validated as the function app reads it: strictly, every problem listed.</summary>
    public static Task<CertificationCatalogue> LoadAsync(string path, CancellationToken cancellationToken, DateOnly? today = null)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(PipelineConfiguration.LoadCatalogue(path, today));
    }
}
