using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using AutoEncoders.Tests.Cli;

namespace AutoEncoders.Tests.Serving;

/// <summary>`ae serve` as a user starts it: a separate process on a loopback port, stopped by SIGTERM.</summary>
public sealed class ServeCommandTests : IDisposable
{
    private const string Key = "serve-test-key-0123";
    private readonly TempDirectory _temp = new();

    [Fact]
    public async Task Serves_a_run_with_its_test_items_behind_a_key_says_where_it_listens_and_stops_on_sigterm()
    {
        string recipe = _temp.Write("tiny.json", $$"""
            {
              "name": "tiny",
              "model": { "kind": "dense", "layers": [784, 32, 2] },
              "objective": { "reconstruction": { "kind": "bce" } },
              "training": { "epochs": 1, "batchSize": 25, "seed": 3, "progress": "lines" },
              "data": { "trainImages": "{{TestData.MnistTestImages}}", "trainLabels": "{{TestData.MnistTestLabels}}", "trainLimit": 300,
                        "testImages": "{{TestData.MnistTestImages}}", "testLabels": "{{TestData.MnistTestLabels}}", "testLimit": 120 }
            }
            """);
        CliRun train = CliRun.Of("train", "--recipe", recipe, "--out", _temp.File("runs"), "--threads", "1");
        Assert.True(train.ExitCode == 0, train.Error + train.Output);
        string run = Directory.GetDirectories(_temp.File("runs")).Single();

        int port = FreePort();
        using AeProcess serve = AeProcess.Start("serve", run, "--port", port.ToString(CultureInfo.InvariantCulture), "--api-key", Key, "--explore-items", "100", "--threads", "1");
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        await WaitForHealth(client, serve);

        using (HttpResponseMessage refused = await client.GetAsync("v1/model"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        client.DefaultRequestHeaders.Add("X-Api-Key", Key);
        using (JsonDocument model = JsonDocument.Parse(await client.GetStringAsync("v1/model")))
        {
            Assert.Equal("DenseAutoencoder", model.RootElement.GetProperty("kind").GetString());
            Assert.Equal(100, model.RootElement.GetProperty("explorerItems").GetInt64());
        }

        using (JsonDocument explorer = JsonDocument.Parse(await client.GetStringAsync("v1/explorer")))
        {
            Assert.Equal(100, explorer.RootElement.GetProperty("codes").GetArrayLength());
            Assert.Equal(JsonValueKind.Null, explorer.RootElement.GetProperty("pca").ValueKind);
        }

        using (HttpResponseMessage page = await client.GetAsync(""))
        {
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
            Assert.Contains("explorer.js", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (HttpResponseMessage noDetector = await client.PostAsync("v1/score", ServingFixture.Json("{\"inputs\": [[0]]}")))
        {
            Assert.Equal(HttpStatusCode.NotFound, noDetector.StatusCode);
            Assert.Contains("--detector", await noDetector.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        serve.Terminate();
        CliRun stopped = serve.WaitForExit(60);
        Assert.True(stopped.ExitCode == 0, stopped.Error + stopped.Output);
        Assert.Contains($"listening on http://127.0.0.1:{port}/ (this machine only", stopped.Output, StringComparison.Ordinal);
        Assert.Contains("api key  required", stopped.Output, StringComparison.Ordinal);
        Assert.Contains("explorer http://127.0.0.1:", stopped.Output, StringComparison.Ordinal);
        Assert.Contains("stopped", stopped.Output, StringComparison.Ordinal);
        Assert.Equal("", stopped.Error.Trim());

        CliRun badHost = CliRun.Of("serve", run, "--host", "example.org");
        Assert.Equal(1, badHost.ExitCode);
        Assert.StartsWith("error: --host: expected an IP address", badHost.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serves_a_table_detector_whose_score_flags_an_off_plane_row_and_names_its_column()
    {
        var random = new Random(4);
        var table = new StringBuilder("id,small,large,ratio,kind\n");
        for (int i = 0; i < 400; i++)
        {
            double a = Gaussian(random), b = Gaussian(random);
            table.Append(CultureInfo.InvariantCulture, $"{i},{0.01 * a:R},{5000 + (1000 * (a + b)):R},{(3 * a) - b + (0.05 * Gaussian(random)):R},normal\n");
        }

        string detector = _temp.File("detector");
        CliRun fit = CliRun.Of(
            "detect", "fit", "--table", _temp.Write("train.csv", table.ToString()), "--label-column", "kind", "--normal-class", "normal", "--ignore", "id",
            "--layers", "8,2", "--epochs", "40", "--batch-size", "32", "--lr", "0.01", "--seed", "3", "--score", "reconstruction", "-o", detector);
        Assert.True(fit.ExitCode == 0, fit.Error + fit.Output);
        string member = Directory.Exists(Path.Combine(detector, "member-0")) ? Path.Combine(detector, "member-0") : detector;

        int port = FreePort();
        using AeProcess serve = AeProcess.Start("serve", member, "--detector", detector, "--port", port.ToString(CultureInfo.InvariantCulture), "--threads", "1");
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        await WaitForHealth(client, serve);

        // a = 1, b = 0: on the plane the normal rows lie on; then the same row with its ratio pushed off it.
        using HttpResponseMessage response = await client.PostAsync("v1/score", ServingFixture.Json("{\"inputs\": [[0.01, 6000, 3], [0.01, 6000, 9]]}"));
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        using JsonDocument scored = JsonDocument.Parse(text);
        JsonElement root = scored.RootElement;
        double[] scores = [.. root.GetProperty("scores").EnumerateArray().Select(s => s.GetDouble())];
        Assert.True(scores[1] > scores[0], $"scores {scores[0]} and {scores[1]}");
        Assert.False(root.GetProperty("flags")[0].GetBoolean());
        Assert.True(root.GetProperty("flags")[1].GetBoolean());
        Assert.Equal(["small", "large", "ratio"], root.GetProperty("featureNames").EnumerateArray().Select(n => n.GetString()));
        float[] errors = [.. root.GetProperty("featureErrors")[1].EnumerateArray().Select(e => e.GetSingle())];
        Assert.Equal(2, Array.IndexOf(errors, errors.Max()));

        using HttpResponseMessage wrong = await client.PostAsync("v1/score", ServingFixture.Json("{\"inputs\": [[1, 2]]}"));
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Contains("\"field\":\"inputs[0]\"", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        serve.Terminate();
        Assert.Equal(0, serve.WaitForExit(60).ExitCode);
    }

    public void Dispose() => _temp.Dispose();

    private static async Task WaitForHealth(HttpClient client, AeProcess serve)
    {
        for (int attempt = 0; attempt < 240; attempt++)
        {
            Assert.False(serve.HasExited, "ae serve exited before answering");
            try
            {
                using HttpResponseMessage health = await client.GetAsync("v1/health");
                if (health.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(250);
        }

        throw new TimeoutException("ae serve did not answer /v1/health within 60 s");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static double Gaussian(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
