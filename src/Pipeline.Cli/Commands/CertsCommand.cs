using System.CommandLine;
using System.Text.Json;
using Pipeline.Domain;
using Pipeline.Domain.Certifications;

namespace Pipeline.Cli.Commands;

internal static class CertsCommand
{
    public static string DefaultCataloguePath => Path.Combine(AppContext.BaseDirectory, "catalogue", "certifications.json");

    public static Command Create()
    {
        var file = new Option<FileInfo>("--catalogue")
        {
            Description = "The certification catalogue",
            HelpName = "file",
            DefaultValueFactory = _ => new FileInfo(DefaultCataloguePath),
        };
        var catalogue = new Command("catalogue", "The vendor certifications Pipeline recognises, with retirements and successors") { file, CliOptions.Json };
        catalogue.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
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
                var retired = c.Retired is { } r ? $"  retired {r:yyyy-MM-dd}{(c.Successor is null ? "" : $", successor {c.Successor}")}" : "";
                await output.WriteLineAsync($"  {c.Id,-12} {c.Name} ({c.ExamCode ?? "no exam code"}), valid {c.ValidityMonths} months{retired}");
            }

            return 0;
        });
        return new Command("certs", "Vendor certifications") { catalogue };
    }

    public static async Task<CertificationCatalogue> LoadAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        var catalogue = await JsonSerializer.DeserializeAsync<CertificationCatalogue>(stream, DomainJson.Options, cancellationToken)
            ?? throw new InvalidOperationException($"{path} is empty.");
        var errors = catalogue.Validate();
        return errors.Count == 0 ? catalogue : throw new InvalidOperationException($"{path} is not valid: {string.Join(" ", errors)}");
    }
}
