using System.CommandLine;
using System.Globalization;
using AutoEncoders.Applications.Search;
using AutoEncoders.Cli.Serve;
using AutoEncoders.Data;
using AutoEncoders.Persistence;
using AutoEncoders.Serving;

namespace AutoEncoders.Cli.Commands;

/// <summary>
/// `ae serve MODEL_OR_RUN_DIR`: the model behind an HTTP service (encode, decode, reconstruct, score, search,
/// generate; JSON or .npy) with the latent-space explorer page at /. Parses, loads, prints where it listens, and
/// runs until SIGINT or SIGTERM; the service itself is <see cref="ServingApplication"/>.
/// </summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var common = new CommonOptions();
        var model = new Argument<string>("model") { Description = "A model or run directory (written by `ae train`)." };
        var detector = new Option<string?>("--detector") { Description = "A detector folder (`ae detect fit`): enables /v1/score and the explorer's score histogram." };
        var index = new Option<string?>("--index") { Description = "A code index built with this model (`ae index build`): enables /v1/search." };
        var port = new Option<int>("--port") { Description = "Port to listen on (0: a free one, printed).", DefaultValueFactory = _ => 8080 };
        var host = new Option<string>("--host") { Description = "Address to listen on; 0.0.0.0 exposes the service to the network.", DefaultValueFactory = _ => ServeOptions.LoopbackHost };
        var apiKey = new Option<string?>("--api-key") { Description = $"Require this key on every endpoint but /v1/health (X-Api-Key or Authorization: Bearer). Default: ${ServeOptions.ApiKeyVariable}, if set." };
        var cors = new Option<string[]>("--cors") { Description = "Allow pages from this origin (e.g. https://example.org) to call the API; repeatable. Off by default.", AllowMultipleArgumentsPerToken = false };
        var dataset = new Option<string?>("--dataset") { Description = "Test data for the explorer (default: the data in the run's recipe.json)." };
        var exploreItems = new Option<long>("--explore-items") { Description = "Test items shown by the explorer.", DefaultValueFactory = _ => 2000 };
        var maxBatch = new Option<int>("--max-batch") { Description = "Most rows gathered from concurrent requests into one forward pass (1: no dynamic batching).", DefaultValueFactory = _ => 64 };
        var maxWait = new Option<double>("--max-wait-ms") { Description = "How long the first request of a batch waits for others, in milliseconds.", DefaultValueFactory = _ => 2 };
        var maxItems = new Option<int>("--max-items") { Description = "Most rows in one request.", DefaultValueFactory = _ => 1024 };
        var maxBody = new Option<long>("--max-body") { Description = "Largest request body in bytes.", DefaultValueFactory = _ => 16L << 20 };
        var timeout = new Option<double>("--timeout-s") { Description = "Seconds a request may take before it is answered 503.", DefaultValueFactory = _ => 30 };
        var command = new Command("serve", "Serve a model over HTTP (encode, decode, reconstruct, score, search, generate) with a latent-space explorer page at /.")
        {
            model, detector, index, port, host, apiKey, cors, dataset, exploreItems, maxBatch, maxWait, maxItems, maxBody, timeout,
        };
        common.AddTo(command);
        command.SetAction(parse =>
        {
            TextWriter stdout = parse.InvocationConfiguration.Output;
            common.ConfigureRuntime(parse, defaultSeed: 0);
            string directory = parse.GetValue(model)!;
            var options = new ServeOptions
            {
                Host = parse.GetValue(host) ?? ServeOptions.LoopbackHost,
                Port = parse.GetValue(port),
                ApiKey = parse.GetValue(apiKey) ?? NonEmpty(Environment.GetEnvironmentVariable(ServeOptions.ApiKeyVariable)),
                CorsOrigins = parse.GetValue(cors) ?? [],
                MaxBatch = parse.GetValue(maxBatch),
                MaxBatchWait = TimeSpan.FromMilliseconds(parse.GetValue(maxWait)),
                MaxItemsPerRequest = parse.GetValue(maxItems),
                MaxBodyBytes = parse.GetValue(maxBody),
                RequestTimeout = TimeSpan.FromSeconds(parse.GetValue(timeout)),
            };
            options.Validate();
            var owned = new List<IDisposable>();
            try
            {
                TrainedAutoencoder trained = TrainedAutoencoder.Load(directory);
                ServedDetector? served = null;
                if (parse.GetValue(detector) is string folder)
                {
                    (served, IDisposable owner) = ServedDetectorFolder.Load(folder);
                    owned.Add(owner);
                }

                CodeIndex? codes = parse.GetValue(index) is string indexPath ? LoadIndex(indexPath) : null;
                ExplorerItems? items = LoadExplorerItems(parse, common, directory, trained, parse.GetValue(dataset), parse.GetValue(exploreItems), stdout);
                using var content = new ServedModel(trained, Path.GetFileName(Path.GetFullPath(directory).TrimEnd(Path.DirectorySeparatorChar)), served, codes, items);
                ServingApplication app = ServingApplication.Create(content, options);
                try
                {
                    app.StartAsync().GetAwaiter().GetResult();
                    PrintStart(stdout, app, content);
                    app.RunUntilStoppedAsync().GetAwaiter().GetResult();
                    stdout.WriteLine("stopped  (requests in flight were answered)");
                }
                finally
                {
                    app.DisposeAsync().AsTask().GetAwaiter().GetResult();
                }
            }
            finally
            {
                owned.ForEach(o => o.Dispose());
            }

            return 0;
        });
        return command;
    }

    private static void PrintStart(TextWriter stdout, ServingApplication app, ServedModel content)
    {
        ServeOptions o = app.Options;
        stdout.WriteLine($"model    {content.Source}: {content.Model.Manifest.Model.GetType().Name.Replace("Config", "", StringComparison.Ordinal)}, input {string.Join("x", content.InputShape)}, code {string.Join("x", content.CodeShape)}"
            + (content.Detector is null ? "" : "; detector loaded") + (content.Index is null ? "" : $"; index of {content.Index.Count} items"));
        stdout.WriteLine(o.IsLoopbackOnly
            ? $"listening on {app.Address} (this machine only; --host 0.0.0.0 would expose it to the network)"
            : $"listening on {app.Address} (host {o.Host}: reachable from other machines{(o.ApiKey is null ? ", with NO API key: anyone who reaches it can use it" : "")})");
        stdout.WriteLine(o.ApiKey is null ? "api key  none (--api-key or AE_API_KEY to require one)" : "api key  required on every endpoint but /v1/health (X-Api-Key or Authorization: Bearer)");
        stdout.WriteLine(o.CorsOrigins.Count == 0 ? "cors     off" : $"cors     allowed for {string.Join(", ", o.CorsOrigins)}");
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"batching up to {o.MaxBatch} rows, waiting at most {o.MaxBatchWait.TotalMilliseconds:G4} ms; limits {o.MaxItemsPerRequest} rows and {o.MaxBodyBytes} bytes per request, {o.RequestTimeout.TotalSeconds:G4} s"));
        stdout.WriteLine(content.Explorer is null ? "explorer off (no test data)" : $"explorer {app.Address}{(o.ApiKey is null ? "" : "#key=KEY")} ({content.Explorer.Samples.shape[0]} items of {content.Explorer.Name})");
        stdout.WriteLine($"api      {app.Address}v1/...  (OpenAPI: {app.Address}openapi/v1.json); Ctrl+C or SIGTERM stops it");
        stdout.Flush();
    }

    private static CodeIndex LoadIndex(string path)
    {
        CodeIndex index = CodeIndex.Load(path);
        if (IndexSource.Of(index, path).Representation != IndexSource.Code)
        {
            index.Dispose();
            throw new ArgumentException($"--index: {path} holds {IndexSource.Of(index, path).Representation} vectors; /v1/search encodes queries with the model, so it needs an index of this model's codes (`ae index build --model ...`).");
        }

        return index;
    }

    private static ExplorerItems? LoadExplorerItems(ParseResult parse, CommonOptions common, string directory, TrainedAutoencoder trained, string? dataset, long count, TextWriter stdout)
    {
        DataSource source;
        try
        {
            source = RunDataSource.Resolve(directory, dataset);
        }
        catch (ArgumentException)
        {
            return null;
        }

        if (!DataSourceLoader.HasTest(source))
        {
            stdout.WriteLine("note     the run's data has no test split: the explorer is off");
            return null;
        }

        using TensorDataset test = DataSourceLoader.Limit(DataSourceLoader.Load(source, DatasetSplit.Test, common.DatasetOptions(parse, stdout)), count);
        long[] shape = trained.Manifest.Model.InputShape;
        if (test.SampleSize != shape.Aggregate(1L, (a, b) => a * b))
        {
            throw new ArgumentException($"{test.Name}: items of {test.SampleSize} values; the model takes {string.Join("x", shape)} (pass the data it was trained on with --dataset).");
        }

        return new ExplorerItems(
            test.Features.reshape([test.Count, .. shape]).to_type(TorchSharp.torch.ScalarType.Float32).clone(),
            test.Labels?.cpu().data<long>().ToArray(),
            test.ClassNames,
            test.Name);
    }

    private static string? NonEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
