using System.Text;
using Pipeline.Domain.Candidates;
using Pipeline.Domain.Feeds;

namespace Pipeline.Domain.Tests;

/// <summary>
/// Property-style tests: many generated inputs (seeded, so a failure repeats) checked against what must hold for all
/// of them, rather than a few hand-picked cases.
/// </summary>
public class FeedPropertyTests
{
    private const int Cases = 400;

    // Characters that stress CSV: delimiters, quotes, both line breaks, spaces at the ends, wide and combining characters.
    private static readonly string[] Pieces = ["a", "Z", "0", ",", ";", "\"", "\"\"", "\n", "\r\n", " ", "é", "Łu", "😀", "e\u0301", "\t", "<b>", "'"];

    private static string RandomField(Random random, int maxPieces = 6) =>
        string.Concat(Enumerable.Range(0, random.Next(0, maxPieces + 1)).Select(_ => Pieces[random.Next(Pieces.Length)]));

    private static string Quote(string field) =>
        field.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;

    [Fact]
    public async Task Csv_AnyFieldsWrittenAsRfc4180_ReadBackExactly_OnTheirLines()
    {
        var random = new Random(4180);
        for (var n = 0; n < Cases; n++)
        {
            var width = random.Next(1, 6);
            var rows = Enumerable.Range(0, random.Next(1, 8)).Select(_ => Enumerable.Range(0, width).Select(_ => RandomField(random)).ToList()).ToList();

            // A row of one empty field is a blank line, which CSV cannot tell from no row: give it content.
            rows = rows.Select(r => r.Count == 1 && r[0].Length == 0 ? ["x"] : r).ToList();
            var lineBreak = random.Next(2) == 0 ? "\n" : "\r\n";
            var text = string.Concat(rows.Select(r => string.Join(',', r.Select(Quote)) + lineBreak));

            var read = new List<CsvRecord>();
            await foreach (var record in new CsvTokenizer(new StringReader(text)).ReadAllAsync())
            {
                read.Add(record);
            }

            Assert.True(rows.Count == read.Count, $"case {n}: {rows.Count} rows written, {read.Count} read from {Show(text)}");
            long line = 1;
            for (var i = 0; i < rows.Count; i++)
            {
                Assert.Null(read[i].Error);
                Assert.Equal(rows[i], read[i].Fields);
                Assert.Equal(line, read[i].Line);
                line += rows[i].Sum(f => f.Count(c => c == '\n')) + 1;
            }
        }
    }

    [Fact]
    public async Task Csv_AnyBytes_NeverThrow_AndEveryRowIsAcceptedOrRejectedWithAReason()
    {
        var random = new Random(1252);
        var feed = new FeedDefinition { Id = "fuzz", Source = "S", Location = "x.csv", Format = FeedFormat.Csv };
        for (var n = 0; n < Cases; n++)
        {
            var body = new StringBuilder("email,name,skills\n");
            for (var r = 0; r < random.Next(0, 10); r++)
            {
                body.Append(random.Next(3) == 0 ? RandomField(random) : $"p{r}@uni.example").Append(',').Append(RandomField(random)).Append(',').Append(RandomField(random)).Append('\n');
            }

            var bytes = Encoding.UTF8.GetBytes(body.ToString());
            if (random.Next(4) == 0 && bytes.Length > 20)
            {
                bytes[random.Next(18, bytes.Length)] = (byte)random.Next(0x80, 0x100); // a stray byte that is not UTF-8
            }

            await foreach (var row in FeedParser.ParseAsync(new MemoryStream(bytes), feed))
            {
                switch (row)
                {
                    case AcceptedRow a:
                        Assert.Equal(Normalizer.Email(a.Candidate.Email), a.Candidate.Email);
                        Assert.DoesNotContain(Utf8Escaping.StandIn, a.Candidate.Name ?? string.Empty);
                        break;
                    case RejectedRow r:
                        Assert.False(string.IsNullOrWhiteSpace(r.Reason), $"case {n}: a rejection without a reason");
                        Assert.DoesNotContain(Utf8Escaping.StandIn, r.Excerpt ?? string.Empty);
                        break;
                }

                Assert.InRange(row.Next.Offset, 1, bytes.Length);
            }
        }
    }

    [Fact]
    public void Normaliser_IsIdempotent_OnEverythingItAccepts()
    {
        var random = new Random(164);
        string[] phones = ["+1 (617) 555-0101", "617.555.0101", "+44 20 7946 0958", "0044 20 7946 0958", "+49-30-901820", "555 0101", "(0) 123"];
        string[] skills = ["torch", "PyTorch", "tf", "tensorflow2", "k8s", "Kubeflow Pipelines", "kfp", "scikit-learn", "sklearn", "Python 3", "  SQL  ", "Medical Imaging"];
        for (var n = 0; n < Cases; n++)
        {
            var text = RandomField(random, 10);
            Check(() => Normalizer.Text(text, "name"), once => Normalizer.Text(once, "name"));
            Check(() => Normalizer.Email($"  {RandomField(random, 2).Trim()}Ana.{n}@Uni.Example "), once => Normalizer.Email(once));
            var phone = phones[random.Next(phones.Length)];
            Check(() => Normalizer.Phone(phone), once => Normalizer.Phone(once));
            var list = Enumerable.Range(0, random.Next(0, 6)).Select(_ => skills[random.Next(skills.Length)]).ToList();
            var normalised = Normalizer.Skills(list);
            Assert.Equal(normalised, Normalizer.Skills(normalised));
            Assert.Equal(normalised.Count, normalised.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        }

        static void Check(Func<string?> first, Func<string?, string?> again)
        {
            string? once;
            try
            {
                once = first();
            }
            catch (FieldException)
            {
                return; // refused with a reason: nothing to be idempotent about
            }

            Assert.Equal(once, again(once));
        }
    }

    private static string Show(string text) => text.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
