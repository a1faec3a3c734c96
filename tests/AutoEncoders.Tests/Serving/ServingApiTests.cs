using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using AutoEncoders.Data;
using AutoEncoders.Serving;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Tests.Serving;

/// <summary>The /v1 endpoints over a real Kestrel on a loopback port: normal use, refusals, key, CORS, batching, timeouts.</summary>
[Collection(ServingTestGroup.Name)]
public sealed class ServingApiTests(ServingFixture fixture)
{
    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task Health_and_model_information_describe_what_is_served()
    {
        using JsonDocument health = await GetJson("/v1/health");
        Assert.Equal("ok", health.RootElement.GetProperty("status").GetString());

        using JsonDocument model = await GetJson("/v1/model");
        JsonElement m = model.RootElement;
        Assert.Equal("VariationalAutoencoder", m.GetProperty("kind").GetString());
        Assert.Equal([784], m.GetProperty("inputShape").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal([8], m.GetProperty("codeShape").EnumerateArray().Select(e => e.GetInt64()));
        Assert.True(m.GetProperty("generative").GetBoolean());
        Assert.Equal(784, m.GetProperty("detector").GetProperty("featureCount").GetInt64());
        Assert.Equal(1000, m.GetProperty("index").GetProperty("items").GetInt64());
        Assert.Equal(ServingFixture.ExplorerItemCount, m.GetProperty("explorerItems").GetInt64());
        Assert.Equal(64, m.GetProperty("limits").GetProperty("maxItemsPerRequest").GetInt32());
        Assert.Equal("127.0.0.1", fixture.App.Address.Host);
    }

    [Fact]
    public async Task Encode_decode_and_reconstruct_answer_what_the_model_computes_in_json_and_npy()
    {
        float[][] rows = Rows(0, 3);
        using Tensor x = fixture.Digits.narrow(0, 0, 3);
        float[][] expectedCodes;
        float[][] expectedOutputs;
        using (torch.no_grad())
        {
            expectedCodes = ToRows(fixture.Served.Model.Encode(x));
            expectedOutputs = ToRows(fixture.Served.Model.Decode(torch.tensor(expectedCodes.SelectMany(r => r).ToArray(), [3, 8])));
        }

        using JsonDocument encoded = await PostJson("/v1/encode", new { inputs = rows });
        float[][] codes = Floats(encoded.RootElement.GetProperty("codes"));
        AssertClose(expectedCodes, codes);

        // The same rows as a .npy body, answered as .npy.
        using var npyRequest = new ByteArrayContent(NpyFile.ToBytes(x));
        npyRequest.Headers.ContentType = new MediaTypeHeaderValue(RequestBodyReader.NpyMediaType);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/encode") { Content = npyRequest };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(RequestBodyReader.NpyMediaType));
        using HttpResponseMessage npyResponse = await Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, npyResponse.StatusCode);
        Assert.Equal(RequestBodyReader.NpyMediaType, npyResponse.Content.Headers.ContentType?.MediaType);
        using Tensor npyCodes = NpyFile.Parse(await npyResponse.Content.ReadAsByteArrayAsync(), "answer");
        Assert.Equal([3L, 8L], npyCodes.shape);
        AssertClose(expectedCodes, ToRows(npyCodes));

        using JsonDocument decoded = await PostJson("/v1/decode", new { codes });
        float[][] outputs = Floats(decoded.RootElement.GetProperty("outputs"));
        AssertClose(expectedOutputs, outputs);
        Assert.All(outputs.SelectMany(o => o), v => Assert.InRange(v, 0f, 1f));

        using JsonDocument reconstructed = await PostJson("/v1/reconstruct", new { inputs = rows });
        float[][] again = Floats(reconstructed.RootElement.GetProperty("outputs"));
        AssertClose(expectedOutputs, again);
        double[] errors = [.. reconstructed.RootElement.GetProperty("errors").EnumerateArray().Select(e => e.GetDouble())];
        for (int r = 0; r < 3; r++)
        {
            double mse = rows[r].Select((v, i) => Math.Pow(v - again[r][i], 2)).Average();
            Assert.Equal(mse, errors[r], 5);
        }
    }

    [Fact]
    public async Task Score_flags_noise_and_not_digits_and_gives_per_feature_errors()
    {
        var random = new Random(5);
        float[][] noise = [.. Enumerable.Range(0, 4).Select(_ => Enumerable.Range(0, 784).Select(_ => (float)random.NextDouble()).ToArray())];
        using JsonDocument digits = await PostJson("/v1/score", new { inputs = Rows(0, 4) });
        using JsonDocument noisy = await PostJson("/v1/score", new { inputs = noise });
        double[] digitScores = [.. digits.RootElement.GetProperty("scores").EnumerateArray().Select(e => e.GetDouble())];
        double[] noiseScores = [.. noisy.RootElement.GetProperty("scores").EnumerateArray().Select(e => e.GetDouble())];
        Assert.True(noiseScores.Min() > digitScores.Max(), $"noise {string.Join(", ", noiseScores)} vs digits {string.Join(", ", digitScores)}");
        Assert.All(noisy.RootElement.GetProperty("flags").EnumerateArray(), f => Assert.True(f.GetBoolean()));
        double threshold = noisy.RootElement.GetProperty("threshold").GetDouble();
        Assert.Equal(fixture.Served.Detector!.Threshold, threshold);
        float[][] features = Floats(noisy.RootElement.GetProperty("featureErrors"));
        Assert.Equal(4, features.Length);
        Assert.All(features, f => Assert.Equal(784, f.Length));
        Assert.All(features.SelectMany(f => f), v => Assert.True(v >= 0));
    }

    [Fact]
    public async Task Search_finds_an_indexed_digit_first_at_distance_zero_with_its_label()
    {
        using JsonDocument found = await PostJson("/v1/search", new { inputs = Rows(17, 2), k = 3 });
        JsonElement[] neighbours = [.. found.RootElement.GetProperty("neighbours").EnumerateArray()];
        Assert.Equal(2, neighbours.Length);
        for (int q = 0; q < 2; q++)
        {
            JsonElement[] list = [.. neighbours[q].EnumerateArray()];
            Assert.Equal(3, list.Length);
            Assert.Equal(17 + q, list[0].GetProperty("position").GetInt64());
            Assert.True(list[0].GetProperty("distance").GetSingle() < 1e-3f);
            Assert.Equal(fixture.Served.Index!.Labels![17 + q], list[0].GetProperty("label").GetInt64());
            Assert.True(list[1].GetProperty("distance").GetSingle() >= list[0].GetProperty("distance").GetSingle());
        }
    }

    [Fact]
    public async Task Generate_draws_samples_that_a_seed_repeats()
    {
        using JsonDocument first = await PostJson("/v1/generate", new { count = 4, seed = 7 });
        using JsonDocument same = await PostJson("/v1/generate", new { count = 4, seed = 7 });
        using JsonDocument other = await PostJson("/v1/generate", new { count = 4, seed = 8 });
        float[][] a = Floats(first.RootElement.GetProperty("outputs"));
        Assert.Equal(4, a.Length);
        Assert.All(a, row => Assert.Equal(784, row.Length));
        AssertClose(a, Floats(same.RootElement.GetProperty("outputs")));
        Assert.NotEqual(a[0][400], Floats(other.RootElement.GetProperty("outputs"))[0][400]);
        Assert.Equal(7, first.RootElement.GetProperty("seed").GetInt32());
    }

    [Fact]
    public async Task Explorer_data_holds_every_item_its_code_a_pca_basis_and_detector_scores()
    {
        using JsonDocument data = await GetJson("/v1/explorer");
        JsonElement d = data.RootElement;
        int n = ServingFixture.ExplorerItemCount;
        Assert.Equal(n, d.GetProperty("count").GetInt32());
        Assert.Equal(n, d.GetProperty("labels").GetArrayLength());
        Assert.Equal(n, d.GetProperty("codes").GetArrayLength());
        Assert.Equal(n * 784, Convert.FromBase64String(d.GetProperty("pixels").GetString()!).Length);
        Assert.Equal(2, d.GetProperty("pca").GetProperty("components").GetArrayLength());
        Assert.Equal(8, d.GetProperty("pca").GetProperty("mean").GetArrayLength());
        Assert.Equal(n, d.GetProperty("scores").GetArrayLength());
        double[] ratio = [.. d.GetProperty("pca").GetProperty("explainedRatio").EnumerateArray().Select(e => e.GetDouble())];
        Assert.True(ratio[0] >= ratio[1] && ratio[1] > 0 && ratio.Sum() <= 1 + 1e-9);
    }

    [Fact]
    public async Task The_openapi_document_lists_every_endpoint()
    {
        using JsonDocument document = await GetJson("/openapi/v1.json");
        JsonElement paths = document.RootElement.GetProperty("paths");
        foreach (string path in new[] { "/v1/health", "/v1/model", "/v1/encode", "/v1/decode", "/v1/reconstruct", "/v1/score", "/v1/search", "/v1/generate", "/v1/explorer" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"{path} is missing from the OpenAPI document");
        }
    }

    public static TheoryData<string, string, string, string, int, string?> BadRequests()
    {
        string row784 = "[" + string.Join(",", Enumerable.Repeat("0.5", 784)) + "]";
        string withNaNString = "[" + string.Join(",", Enumerable.Repeat("0.5", 5)) + ",\"NaN\"," + string.Join(",", Enumerable.Repeat("0.5", 778)) + "]";
        string withHuge = "[1e999," + string.Join(",", Enumerable.Repeat("0.5", 783)) + "]";
        return new()
        {
            { "wrong row size", "/v1/encode", "application/json", "{\"inputs\": [[1, 2, 3]]}", 400, "inputs[0]" },
            { "NaN in a row", "/v1/encode", "application/json", $"{{\"inputs\": [{withNaNString}]}}", 400, "inputs[0][5]" },
            { "a number past float range", "/v1/reconstruct", "application/json", $"{{\"inputs\": [{withHuge}]}}", 400, "inputs[0][0]" },
            { "not JSON", "/v1/encode", "application/json", "{\"inputs\": [", 400, "body" },
            { "missing inputs", "/v1/encode", "application/json", "{\"rows\": []}", 400, "inputs" },
            { "a file name instead of rows", "/v1/encode", "application/json", "{\"inputs\": \"/etc/passwd\"}", 400, "inputs" },
            { "no rows", "/v1/score", "application/json", "{\"inputs\": []}", 400, "inputs" },
            { "wrong content type", "/v1/encode", "text/plain", "0.5, 0.5", 415, "Content-Type" },
            { "batch over the limit", "/v1/encode", "application/json", $"{{\"inputs\": [{string.Join(",", Enumerable.Repeat(row784, 65))}]}}", 413, "inputs" },
            { "wrong code size", "/v1/decode", "application/json", "{\"codes\": [[0, 0]]}", 400, "codes[0]" },
            { "k out of range", "/v1/search", "application/json", $"{{\"inputs\": [{row784}], \"k\": 0}}", 400, "k" },
            { "too many samples", "/v1/generate", "application/json", "{\"count\": 1000}", 400, "count" },
            { "a .npy body that is not .npy", "/v1/encode", RequestBodyReader.NpyMediaType, "not an array", 400, "body" },
            { "empty body", "/v1/encode", "application/json", "", 400, "body" },
            { "unknown route", "/v1/nothing", "application/json", "{}", 404, null },
            { "unknown version", "/v2/encode", "application/json", "{}", 404, null },
        };
    }

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task A_bad_request_is_answered_4xx_with_a_problem_naming_the_field_and_the_server_goes_on(string what, string path, string contentType, string body, int status, string? field)
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        using HttpResponseMessage response = await Client.PostAsync(path, content);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(status == (int)response.StatusCode, $"{what}: expected {status}, got {(int)response.StatusCode}: {text}");
        await AssertProblem(response, status, field);
        await AssertStillServing();
    }

    [Fact]
    public async Task Refusals_of_npy_with_nan_a_huge_body_and_a_wrong_method_are_problems_too()
    {
        using Tensor nan = fixture.Digits.narrow(0, 0, 2).clone();
        nan[1, 7] = torch.tensor(float.NaN);
        using var npy = new ByteArrayContent(NpyFile.ToBytes(nan));
        npy.Headers.ContentType = new MediaTypeHeaderValue(RequestBodyReader.NpyMediaType);
        using HttpResponseMessage nanResponse = await Client.PostAsync("/v1/encode", npy);
        JsonElement problem = await AssertProblem(nanResponse, 400, "body");
        Assert.Contains("row 1, value 7", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // 2 MiB against a 1 MiB limit: refused from its announced length, before it is read.
        using var huge = new ByteArrayContent(new byte[2 << 20]);
        huge.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        // Expect: 100-continue lets the server refuse before the client sends the body (no reset mid-upload).
        using var hugeRequest = new HttpRequestMessage(HttpMethod.Post, "/v1/encode") { Content = huge };
        hugeRequest.Headers.ExpectContinue = true;
        using HttpResponseMessage hugeResponse = await Client.SendAsync(hugeRequest);
        await AssertProblem(hugeResponse, 413, "body");

        using HttpResponseMessage wrongMethod = await Client.GetAsync("/v1/encode");
        await AssertProblem(wrongMethod, 405, null);
        await AssertStillServing();
    }

    [Fact]
    public async Task With_a_key_every_endpoint_but_health_needs_it_and_a_wrong_one_gets_401()
    {
        (ServingApplication app, HttpClient client) = await fixture.StartOther(ServingFixture.Options with { ApiKey = "s3cret-key-for-tests" });
        await using (app)
        using (client)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/health")).StatusCode);
            foreach (string path in new[] { "/v1/model", "/v1/explorer", "/openapi/v1.json" })
            {
                using HttpResponseMessage missing = await client.GetAsync(path);
                await AssertProblem(missing, 401, "X-Api-Key");
            }

            using var wrong = new HttpRequestMessage(HttpMethod.Get, "/v1/model");
            wrong.Headers.Add("X-Api-Key", "s3cret-key-for-tesTS");
            await AssertProblem(await client.SendAsync(wrong), 401, "X-Api-Key");

            using var posted = new HttpRequestMessage(HttpMethod.Post, "/v1/encode") { Content = ServingFixture.Json(JsonSerializer.Serialize(new { inputs = Rows(0, 1) })) };
            await AssertProblem(await client.SendAsync(posted), 401, "X-Api-Key");

            using var right = new HttpRequestMessage(HttpMethod.Get, "/v1/model");
            right.Headers.Add("X-Api-Key", "s3cret-key-for-tests");
            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(right)).StatusCode);

            using var bearer = new HttpRequestMessage(HttpMethod.Post, "/v1/encode") { Content = ServingFixture.Json(JsonSerializer.Serialize(new { inputs = Rows(0, 1) })) };
            bearer.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "s3cret-key-for-tests");
            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(bearer)).StatusCode);
        }

        Assert.Throws<ArgumentException>(() => (ServingFixture.Options with { ApiKey = "short" }).Validate());
    }

    [Fact]
    public async Task Cors_is_off_unless_an_origin_is_allowed()
    {
        static HttpRequestMessage Preflight(string origin)
        {
            var request = new HttpRequestMessage(HttpMethod.Options, "/v1/encode");
            request.Headers.Add("Origin", origin);
            request.Headers.Add("Access-Control-Request-Method", "POST");
            request.Headers.Add("Access-Control-Request-Headers", "content-type");
            return request;
        }

        using (HttpRequestMessage preflight = Preflight("http://example.org"))
        using (HttpResponseMessage off = await fixture.Client.SendAsync(preflight))
        {
            Assert.False(off.Headers.Contains("Access-Control-Allow-Origin"));
        }

        using var get = new HttpRequestMessage(HttpMethod.Get, "/v1/model");
        get.Headers.Add("Origin", "http://example.org");
        using (HttpResponseMessage plain = await fixture.Client.SendAsync(get))
        {
            Assert.False(plain.Headers.Contains("Access-Control-Allow-Origin"));
        }

        (ServingApplication app, HttpClient client) = await fixture.StartOther(ServingFixture.Options with { CorsOrigins = ["http://example.org"] });
        await using (app)
        using (client)
        {
            using HttpRequestMessage allowed = Preflight("http://example.org");
            using HttpResponseMessage on = await client.SendAsync(allowed);
            Assert.Equal("http://example.org", on.Headers.GetValues("Access-Control-Allow-Origin").Single());
            using HttpRequestMessage other = Preflight("http://elsewhere.example");
            using HttpResponseMessage refused = await client.SendAsync(other);
            Assert.False(refused.Headers.Contains("Access-Control-Allow-Origin"));
        }

        Assert.Throws<ArgumentException>(() => (ServingFixture.Options with { CorsOrigins = ["example.org/path"] }).Validate());
        Assert.Throws<ArgumentException>(() => (ServingFixture.Options with { Host = "not-an-address" }).Validate());
        Assert.Throws<ArgumentException>(() => ServingApplication.Create(fixture.Served, ServingFixture.Options with { Host = "example.org" }));
    }

    [Fact]
    public async Task Concurrent_single_rows_are_gathered_into_fewer_forward_passes_with_the_right_answers()
    {
        const int requests = 48;
        float[][] expected;
        using (torch.no_grad())
        {
            expected = ToRows(fixture.Served.Model.Encode(fixture.Digits.narrow(0, 0, requests)));
        }

        long passes = fixture.App.Batcher.Passes;
        long rows = fixture.App.Batcher.Rows;
        using var start = new SemaphoreSlim(0);
        Task<float[]>[] calls = [.. Enumerable.Range(0, requests).Select(async i =>
        {
            await start.WaitAsync();
            using JsonDocument answer = await PostJson("/v1/encode", new { inputs = Rows(i, 1) });
            return Floats(answer.RootElement.GetProperty("codes"))[0];
        })];
        start.Release(requests);
        float[][] codes = await Task.WhenAll(calls);
        AssertClose(expected, codes);
        Assert.Equal(requests, fixture.App.Batcher.Rows - rows);
        long used = fixture.App.Batcher.Passes - passes;
        Assert.True(used < requests, $"{requests} concurrent single-row requests took {used} forward passes; dynamic batching should need fewer");
    }

    [Fact]
    public async Task A_request_past_its_timeout_gets_503_and_is_dropped_while_the_server_goes_on()
    {
        // A batch waits up to 3 s for company; the request may take 0.3 s.
        (ServingApplication app, HttpClient client) = await fixture.StartOther(ServingFixture.Options with { MaxBatchWait = TimeSpan.FromSeconds(3), RequestTimeout = TimeSpan.FromMilliseconds(300) });
        await using (app)
        using (client)
        {
            using HttpResponseMessage late = await client.PostAsync("/v1/encode", ServingFixture.Json(JsonSerializer.Serialize(new { inputs = Rows(0, 1) })));
            JsonElement problem = await AssertProblem(late, 503, "timeout");
            Assert.Contains("0.3 s", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            using HttpResponseMessage health = await client.GetAsync("/v1/health");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }
    }

    private async Task AssertStillServing()
    {
        using HttpResponseMessage health = await Client.GetAsync("/v1/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using JsonDocument encoded = await PostJson("/v1/encode", new { inputs = Rows(0, 1) });
        Assert.Equal(8, encoded.RootElement.GetProperty("codes")[0].GetArrayLength());
    }

    private static async Task<JsonElement> AssertProblem(HttpResponseMessage response, int status, string? field)
    {
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using JsonDocument document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        JsonElement problem = document.RootElement.Clone();
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        if (field is not null)
        {
            Assert.Equal(field, problem.GetProperty("field").GetString());
            Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
        }

        return problem;
    }

    private float[][] Rows(int start, int count)
    {
        using Tensor slice = fixture.Digits.narrow(0, start, count);
        return ToRows(slice);
    }

    private async Task<JsonDocument> GetJson(string path)
    {
        using HttpResponseMessage response = await Client.GetAsync(path);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text);
    }

    private async Task<JsonDocument> PostJson(string path, object body)
    {
        using StringContent content = ServingFixture.Json(JsonSerializer.Serialize(body));
        using HttpResponseMessage response = await Client.PostAsync(path, content);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text);
    }

    private static float[][] ToRows(Tensor t)
    {
        Tensor flat = t.reshape(t.shape[0], -1).contiguous();
        float[] all = flat.data<float>().ToArray();
        int width = (int)flat.shape[1];
        return [.. Enumerable.Range(0, (int)flat.shape[0]).Select(r => all[(r * width)..((r + 1) * width)])];
    }

    private static float[][] Floats(JsonElement rows) => [.. rows.EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetSingle()).ToArray())];

    private static void AssertClose(float[][] expected, float[][] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int r = 0; r < expected.Length; r++)
        {
            Assert.Equal(expected[r].Length, actual[r].Length);
            for (int i = 0; i < expected[r].Length; i++)
            {
                Assert.True(Math.Abs(expected[r][i] - actual[r][i]) <= 1e-4 + (1e-4 * Math.Abs(expected[r][i])), string.Create(CultureInfo.InvariantCulture, $"row {r} value {i}: expected {expected[r][i]}, found {actual[r][i]}"));
            }
        }
    }
}
