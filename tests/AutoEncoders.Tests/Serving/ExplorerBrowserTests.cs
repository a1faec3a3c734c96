namespace AutoEncoders.Tests.Serving;

/// <summary>
/// The explorer page in a real browser: web/explorer/test/explorer.test.mjs drives headless Chromium (playwright-core
/// from the page's npm packages, Debian's chromium) against the fixture's server.
/// </summary>
[Collection(ServingTestGroup.Name)]
public sealed class ExplorerBrowserTests(ServingFixture fixture)
{
    /// <summary>Set to a path to keep the screenshot (docs/images/explorer.png is made this way).</summary>
    public const string ScreenshotVariable = "AE_EXPLORER_SCREENSHOT";

    [Fact]
    public void The_page_loads_cleanly_shows_every_item_and_decodes_clicks_and_slider_moves()
    {
        string explorer = ExplorerFolder();
        string playwright = Path.Combine(explorer, "node_modules", "playwright-core");
        Assert.True(Directory.Exists(playwright), $"{playwright} is missing: run scripts/setup.sh (npm ci in web/explorer).");
        string chromium = Environment.GetEnvironmentVariable("CHROMIUM") ?? "/usr/bin/chromium";
        Assert.True(File.Exists(chromium), $"{chromium} is missing: apt-get install chromium (scripts/setup.sh does).");

        using var temp = new TempDirectory();
        string screenshot = Environment.GetEnvironmentVariable(ScreenshotVariable) is { Length: > 0 } keep ? Path.GetFullPath(keep) : temp.File("explorer.png");
        (int exit, string output, string error) = ChildProcess.Run(
            "node",
            [Path.Combine("test", "explorer.test.mjs"), fixture.App.Address.ToString(), ServingFixture.ExplorerItemCount.ToString(System.Globalization.CultureInfo.InvariantCulture), screenshot],
            TimeSpan.FromMinutes(4),
            workingDirectory: explorer);
        Assert.True(exit == 0, $"the browser test failed (exit {exit}):\n{output}\n{error}");
        Assert.Contains("ok   one point per test item (300 drawn, 300 items)", output, StringComparison.Ordinal);
        Assert.True(new FileInfo(screenshot).Length > 20_000, "the screenshot is suspiciously small");
    }

    private static string ExplorerFolder()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "web", "explorer");
            if (File.Exists(Path.Combine(candidate, "package.json")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"web/explorer was not found above {AppContext.BaseDirectory}.");
    }
}
