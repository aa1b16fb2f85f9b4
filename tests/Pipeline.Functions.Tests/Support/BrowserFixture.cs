using Microsoft.Playwright;

namespace Pipeline.Functions.Tests.Support;

/// <summary>
/// Debian's Chromium driven by Playwright (its own browsers cannot be fetched here). Without /usr/bin/chromium the
/// browser tests fail when <c>CI=true</c> and are skipped, with how to install it, elsewhere.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private const string HowToEnable = "The browser tests need Debian's Chromium: apt-get update && apt-get install -y chromium (it installs /usr/bin/chromium).";

    private IPlaywright? _playwright;

    public IBrowser? Browser { get; private set; }

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            return;
        }

        // The suite runs test classes in parallel on a small machine: give pages time to render before an expectation fails.
        Assertions.SetDefaultExpectTimeout(15_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    /// <summary>The browser, or a skip (developer machine) or failure (CI) saying how to get it.</summary>
    public IBrowser Require()
    {
        if (Browser is not null)
        {
            return Browser;
        }

        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail("CI must run the browser tests, but " + ChromiumPath + " is missing. " + HowToEnable);
        }

        Assert.Skip(HowToEnable);
        return null!;
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}
