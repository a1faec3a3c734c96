using System.Globalization;
using System.Text.Json;
using AutoEncoders.Applications.Search;
using AutoEncoders.Data;
using AutoEncoders.Evaluation;
using AutoEncoders.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Serving;

/// <summary>
/// The /v1 endpoints: encode, decode, reconstruct, score, search, generate (rows in, rows out, JSON or .npy), model
/// information, health, and the explorer's data. Every model computation goes through the <see cref="InferenceBatcher"/>.
/// </summary>
internal sealed class ServingEndpoints
{
    private readonly ServedModel _served;
    private readonly ServeOptions _options;
    private readonly InferenceBatcher _queue;
    private readonly RowOperation _encode;
    private readonly RowOperation _decode;
    private readonly RowOperation _reconstruct;
    private readonly RowOperation? _score;
    private readonly Lazy<Task<byte[]>> _explorer;

    public ServingEndpoints(ServedModel served, ServeOptions options, InferenceBatcher queue)
    {
        _served = served;
        _options = options;
        _queue = queue;
        Autoencoder model = served.Model.Model;
        _encode = new RowOperation("encode", served.InputShape, model.Encode);
        _decode = new RowOperation("decode", served.CodeShape, model.Decode);
        _reconstruct = new RowOperation("reconstruct", served.InputShape, model.Reconstruct);
        if (served.Detector is ServedDetector detector)
        {
            // One row out per row in: the score, then the per-feature errors.
            _score = new RowOperation("score", [detector.FeatureCount], rows =>
                torch.cat([torch.tensor(detector.Score(rows), ScalarType.Float32).reshape(-1, 1), detector.FeatureErrors(rows).to_type(ScalarType.Float32).reshape(rows.shape[0], -1)], 1));
        }

        _explorer = new Lazy<Task<byte[]>>(() => _queue.Run(ExplorerPayload, CancellationToken.None));
    }

    public void Map(IEndpointRouteBuilder app)
    {
        RouteGroupBuilder v1 = app.MapGroup("/v1");
        v1.MapGet("/health", () => Results.Json(new HealthResponse("ok")))
            .WithName("health").WithSummary("Liveness: answers without a key.").Produces<HealthResponse>();
        v1.MapGet("/model", ModelInformation)
            .WithName("model").WithSummary("The model: kind, shapes, what else is loaded, the limits.").Produces<ModelResponse>();
        v1.MapPost("/encode", Encode).WithName("encode").WithSummary("Codes of rows {\"inputs\": [...]} or a .npy array.")
            .Accepts<RowsRequest>("application/json", RequestBodyReader.NpyMediaType).Produces<CodesResponse>().Produces(200, contentType: RequestBodyReader.NpyMediaType).ProducesProblem(400);
        v1.MapPost("/decode", Decode).WithName("decode").WithSummary("Reconstructions (data space) of codes {\"codes\": [...]} or a .npy array.")
            .Accepts<CodesRequest>("application/json", RequestBodyReader.NpyMediaType).Produces<OutputsResponse>().ProducesProblem(400);
        v1.MapPost("/reconstruct", Reconstruct).WithName("reconstruct").WithSummary("Reconstructions of rows and each row's mean squared error.")
            .Accepts<RowsRequest>("application/json", RequestBodyReader.NpyMediaType).Produces<ReconstructResponse>().ProducesProblem(400);
        v1.MapPost("/score", Score).WithName("score").WithSummary("Anomaly score, flag and per-feature error of rows (needs --detector).")
            .Accepts<RowsRequest>("application/json", RequestBodyReader.NpyMediaType).Produces<ScoreResponse>().ProducesProblem(400).ProducesProblem(404);
        v1.MapPost("/search", Search).WithName("search").WithSummary("The k nearest indexed items of each row's code (needs --index); k in the body or ?k=.")
            .Accepts<SearchRequest>("application/json", RequestBodyReader.NpyMediaType).Produces<SearchResponse>().ProducesProblem(400).ProducesProblem(404);
        v1.MapPost("/generate", Generate).WithName("generate").WithSummary("New samples decoded from prior draws (VAE and AAE models).")
            .Accepts<GenerateRequest>("application/json").Produces<GenerateResponse>().ProducesProblem(400).ProducesProblem(404);
        v1.MapGet("/explorer", Explorer).WithName("explorer").WithSummary("The explorer page's data: test items, codes, labels, PCA basis, detector scores.")
            .Produces<ExplorerResponse>().ProducesProblem(404);
    }

    private ModelResponse ModelInformation()
    {
        ModelConfig config = _served.Model.Manifest.Model;
        return new ModelResponse(
            Source: _served.Source,
            Kind: ModelKind(config),
            InputShape: _served.InputShape,
            CodeShape: _served.CodeShape,
            Parameters: _served.Model.Model.ParameterCount,
            Generative: _served.Model.Model is IGenerativeAutoencoder,
            ClassNames: _served.Model.Manifest.ClassNames,
            Detector: _served.Detector is ServedDetector d ? new DetectorInfo(d.FeatureCount, d.Threshold, d.FeatureNames, d.Description) : null,
            Index: _served.Index is CodeIndex i ? new IndexInfo(i.Count, i.Dimensions, i.Source) : null,
            ExplorerItems: _served.Explorer?.Samples.shape[0] ?? 0,
            Limits: new LimitsInfo(_options.MaxBodyBytes, _options.MaxItemsPerRequest, _options.MaxGenerate, _options.MaxNeighbours, _options.RequestTimeout.TotalSeconds),
            Batching: new BatchingInfo(_queue.MaxBatch, _queue.MaxWait.TotalMilliseconds, _queue.Passes, _queue.Rows));
    }

    private async Task<IResult> Encode(HttpContext context, CancellationToken cancellation)
    {
        RowsPayload rows = await ReadRows(context, "inputs", _served.InputShape, cancellation).ConfigureAwait(false);
        float[][] codes = await _queue.RunRows(_encode, rows.Values, rows.Count, cancellation).ConfigureAwait(false);
        return WantsNpy(context) ? Npy(codes, _served.CodeShape) : new RowsJsonResult("codes", codes, "codeShape", _served.CodeShape);
    }

    private async Task<IResult> Decode(HttpContext context, CancellationToken cancellation)
    {
        RowsPayload codes = await ReadRows(context, "codes", _served.CodeShape, cancellation).ConfigureAwait(false);
        float[][] outputs = await _queue.RunRows(_decode, codes.Values, codes.Count, cancellation).ConfigureAwait(false);
        return WantsNpy(context) ? Npy(outputs, _served.InputShape) : new RowsJsonResult("outputs", outputs, "outputShape", _served.InputShape);
    }

    private async Task<IResult> Reconstruct(HttpContext context, CancellationToken cancellation)
    {
        RowsPayload rows = await ReadRows(context, "inputs", _served.InputShape, cancellation).ConfigureAwait(false);
        float[][] outputs = await _queue.RunRows(_reconstruct, rows.Values, rows.Count, cancellation).ConfigureAwait(false);
        int size = outputs[0].Length;
        double[] errors = [.. outputs.Select((o, r) => Enumerable.Range(0, size).Sum(i => Math.Pow(o[i] - rows.Values[(r * size) + i], 2)) / size)];
        return WantsNpy(context) ? Npy(outputs, _served.InputShape) : Results.Json(new ReconstructResponse(outputs, errors, _served.InputShape));
    }

    private async Task<IResult> Score(HttpContext context, CancellationToken cancellation)
    {
        ServedDetector detector = _served.Detector ?? throw new RequestRefusedException(StatusCodes.Status404NotFound, "detector", "no detector is loaded; start the service with --detector DIR (a folder written by `ae detect fit`).");
        RowsPayload rows = await ReadRows(context, "inputs", [detector.FeatureCount], cancellation).ConfigureAwait(false);
        float[][] result = await _queue.RunRows(_score!, rows.Values, rows.Count, cancellation).ConfigureAwait(false);
        double[] scores = [.. result.Select(r => (double)r[0])];
        return Results.Json(new ScoreResponse(
            scores,
            [.. scores.Select(s => s > detector.Threshold)],
            detector.Threshold,
            [.. result.Select(r => r[1..])],
            detector.FeatureNames));
    }

    private async Task<IResult> Search(HttpContext context, CancellationToken cancellation)
    {
        CodeIndex index = _served.Index ?? throw new RequestRefusedException(StatusCodes.Status404NotFound, "index", "no index is loaded; start the service with --index FILE (written by `ae index`).");
        RowsPayload rows = await ReadRows(context, "inputs", _served.InputShape, cancellation).ConfigureAwait(false);
        int k = Neighbours(context, rows);
        SearchResults found = await _queue.Run(
            () =>
            {
                Tensor codes = _served.Model.Model.Encode(torch.tensor(rows.Values, [rows.Count, .. _served.InputShape])).reshape(rows.Count, -1);
                return index.Search(codes, (int)Math.Min(k, index.Count));
            },
            cancellation).ConfigureAwait(false);
        Neighbour[][] neighbours = [.. found.Indices.Select((row, q) => row.Select((position, j) => new Neighbour(
            position,
            found.Distances[q][j],
            index.Labels?[(int)position],
            index.Ids?[(int)position])).ToArray())];
        return Results.Json(new SearchResponse(neighbours));
    }

    private async Task<IResult> Generate(HttpContext context, CancellationToken cancellation)
    {
        if (_served.Model.Model is not IGenerativeAutoencoder generative)
        {
            throw new RequestRefusedException(StatusCodes.Status404NotFound, "model", $"the model is a {ModelKind(_served.Model.Manifest.Model)} autoencoder, which has no prior to sample; generate needs a VAE or an adversarial autoencoder.");
        }

        byte[] body = await RequestBodyReader.ReadAsync(context.Request, _options.MaxBodyBytes, cancellation).ConfigureAwait(false);
        JsonElement request = RequestBodyReader.ParseObject(context.Request.ContentType, body);
        int count = IntegerField(request, "count", 1, _options.MaxGenerate, defaultValue: 1);
        int seed = IntegerField(request, "seed", int.MinValue, int.MaxValue, defaultValue: Random.Shared.Next());
        (float[][] codes, float[][] outputs) = await _queue.Run(
            () =>
            {
                using Generator generator = new Generator((ulong)(uint)seed);
                Tensor z = generative.SamplePrior(count, generator);
                Tensor x = _served.Model.Model.Decode(z).reshape(count, -1);
                return (Rows(z.reshape(count, -1)), Rows(x));
            },
            cancellation).ConfigureAwait(false);
        return WantsNpy(context) ? Npy(outputs, _served.InputShape) : Results.Json(new GenerateResponse(outputs, codes, seed, _served.InputShape));
    }

    private async Task<IResult> Explorer(HttpContext context, CancellationToken cancellation)
    {
        if (_served.Explorer is null)
        {
            throw new RequestRefusedException(StatusCodes.Status404NotFound, "explorer", "no test items are loaded: the model folder has no recipe.json naming its data; start with --dataset NAME.");
        }

        byte[] payload = await _explorer.Value.WaitAsync(cancellation).ConfigureAwait(false);
        return Results.Bytes(payload, "application/json");
    }

    // Runs once, on the inference thread: the test items' codes, a PCA basis of the codes (the page projects and
    // inverse-projects with it), the detector's scores of the items, and the items' pixels as bytes.
    private byte[] ExplorerPayload()
    {
        ExplorerItems items = _served.Explorer!;
        Tensor samples = items.Samples.to_type(ScalarType.Float32);
        long n = samples.shape[0];
        var parts = new List<Tensor>();
        for (long start = 0; start < n; start += 512)
        {
            parts.Add(_served.Model.Model.Encode(samples.narrow(0, start, Math.Min(512, n - start))).reshape(-1, _served.CodeShape.Aggregate(1L, (a, b) => a * b)));
        }

        Tensor codes = torch.cat(parts).to_type(ScalarType.Float32);
        ProjectionBasis? pca = null;
        if (codes.shape[1] > 2 && n >= 3)
        {
            using PrincipalComponentAnalysis fit = PrincipalComponentAnalysis.Fit(codes, 2);
            pca = new ProjectionBasis(fit.Mean.data<float>().ToArray(), Rows(fit.Components), fit.ExplainedVarianceRatio);
        }

        double[]? scores = null;
        if (_served.Detector is ServedDetector detector && detector.FeatureCount == samples.reshape(n, -1).shape[1])
        {
            scores = detector.Score(samples.reshape(n, -1));
        }

        byte[] pixels = samples.reshape(-1).clamp(0, 1).mul(255).round().to_type(ScalarType.Byte).data<byte>().ToArray();
        var response = new ExplorerResponse(
            items.Name,
            _served.InputShape,
            _served.CodeShape,
            n,
            items.Labels,
            items.ClassNames,
            Rows(codes),
            Convert.ToBase64String(pixels),
            pca,
            scores,
            _served.Detector?.Threshold);
        return JsonSerializer.SerializeToUtf8Bytes(response, ServingApplication.Json);
    }

    private async Task<RowsPayload> ReadRows(HttpContext context, string field, long[] shape, CancellationToken cancellation)
    {
        byte[] body = await RequestBodyReader.ReadAsync(context.Request, _options.MaxBodyBytes, cancellation).ConfigureAwait(false);
        return RequestBodyReader.ParseRows(context.Request.ContentType, body, field, shape, _options.MaxItemsPerRequest);
    }

    private int Neighbours(HttpContext context, RowsPayload rows)
    {
        if (rows.Options.TryGetValue("k", out JsonElement k))
        {
            return k.ValueKind == JsonValueKind.Number && k.TryGetInt32(out int value) && value >= 1 && value <= _options.MaxNeighbours
                ? value
                : throw RequestRefusedException.BadField("k", $"expected an integer from 1 to {_options.MaxNeighbours}, found {RequestBodyReader.Describe(k)}.");
        }

        string? query = context.Request.Query["k"];
        if (query is null)
        {
            return 5;
        }

        return int.TryParse(query, NumberStyles.None, CultureInfo.InvariantCulture, out int q) && q >= 1 && q <= _options.MaxNeighbours
            ? q
            : throw RequestRefusedException.BadField("k", $"expected an integer from 1 to {_options.MaxNeighbours}, found '{query}'.");
    }

    private static int IntegerField(JsonElement request, string name, int min, int max, int defaultValue)
    {
        if (!request.TryGetProperty(name, out JsonElement value))
        {
            return defaultValue;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int n) && n >= min && n <= max
            ? n
            : throw RequestRefusedException.BadField(name, string.Create(CultureInfo.InvariantCulture, $"expected an integer from {min} to {max}, found {RequestBodyReader.Describe(value)}."));
    }

    private static bool WantsNpy(HttpContext context) =>
        context.Request.Headers.Accept.Any(a => a is not null && a.Contains(RequestBodyReader.NpyMediaType, StringComparison.OrdinalIgnoreCase));

    private static IResult Npy(float[][] rows, long[] itemShape)
    {
        using var scope = torch.NewDisposeScope();
        Tensor t = torch.tensor(rows.SelectMany(r => r).ToArray(), [rows.Length, .. itemShape]);
        return Results.Bytes(NpyFile.ToBytes(t), RequestBodyReader.NpyMediaType);
    }

    private static float[][] Rows(Tensor t)
    {
        Tensor flat = t.reshape(t.shape[0], -1).to_type(ScalarType.Float32).contiguous();
        float[] all = flat.data<float>().ToArray();
        int width = (int)flat.shape[1];
        return [.. Enumerable.Range(0, (int)flat.shape[0]).Select(r => all.AsSpan(r * width, width).ToArray())];
    }

    private static string ModelKind(ModelConfig config) => config.GetType().Name.Replace("Config", "", StringComparison.Ordinal);
}
