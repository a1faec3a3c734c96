using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using AutoEncoders.Applications.Search;
using AutoEncoders.Data;
using AutoEncoders.Evaluation;
using AutoEncoders.Persistence;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Cli.Commands;

/// <summary>`ae index build|append|bench`: a file of codes for similarity search (see `ae search`).</summary>
internal static class IndexCommand
{
    public static Command Create()
    {
        var command = new Command("index", "Build, append to, or time a code index for similarity search (`ae search` queries it).");
        command.Subcommands.Add(Build());
        command.Subcommands.Add(Append());
        command.Subcommands.Add(Bench());
        return command;
    }

    private static Command Build()
    {
        var common = new CommonOptions();
        var data = new DataArguments();
        var model = new Argument<string?>("model") { Description = "A model or run directory whose codes are indexed (not needed for --representation raw or pca).", Arity = ArgumentArity.ZeroOrOne };
        var output = new Option<string>("--out", "-o") { Description = "The index file to write (rebuilt from scratch if it exists).", Required = true };
        var representation = new Option<string>("--representation") { Description = "What is indexed: code (the model's codes), pca (PCA coordinates fitted on the indexed data) or raw (the input values).", DefaultValueFactory = _ => IndexSource.Code };
        var dims = new Option<int?>("--dims") { Description = "PCA dimensions (default: the model's code size)." };
        var command = new Command("build", "Encode a dataset and write its codes, labels and item ids to an index file.") { model, output, representation, dims };
        data.AddTo(command);
        common.AddTo(command);
        command.SetAction(parse =>
        {
            TextWriter stdout = parse.InvocationConfiguration.Output;
            common.ConfigureRuntime(parse, defaultSeed: 0);
            string? modelDir = parse.GetValue(model);
            string kind = parse.GetValue(representation)!;
            string path = parse.GetValue(output)!;
            using TensorDataset dataset = modelDir is null
                ? data.Load(parse, common.DatasetOptions(parse, stdout), null)
                : data.LoadFor(parse, common, modelDir, stdout);
            IndexSource source = kind switch
            {
                IndexSource.Code => new IndexSource(IndexSource.Code, Model: Path.GetFullPath(modelDir ?? throw new ArgumentException("--representation code needs a model directory argument."))),
                IndexSource.Raw => new IndexSource(IndexSource.Raw),
                IndexSource.PcaKind => new IndexSource(IndexSource.PcaKind, Pca: Path.GetFullPath(path + ".pca.npy")),
                _ => throw new ArgumentException($"--representation: '{kind}' is not known; expected code, pca or raw."),
            };
            if (kind == IndexSource.PcaKind)
            {
                int components = parse.GetValue(dims) ?? (modelDir is null
                    ? throw new ArgumentException("--representation pca needs --dims or a model directory (its code size).")
                    : (int)TrainedAutoencoder.ReadManifest(Path.Combine(modelDir, TrainedAutoencoder.ManifestFile)).Model.CodeShape.Aggregate(1L, (a, b) => a * b));
                using var scope = torch.NewDisposeScope();
                using PrincipalComponentAnalysis pca = PrincipalComponentAnalysis.Fit(dataset.Features, components);
                NpyFile.Write(source.Pca!, torch.cat([pca.Mean.unsqueeze(0), pca.Components], 0));
            }

            var watch = Stopwatch.StartNew();
            using var codesScope = torch.NewDisposeScope();
            Tensor codes = source.Represent(dataset);
            long[]? labels = dataset.Labels?.cpu().data<long>().ToArray();
            string[] ids = IndexSource.Ids(parse.GetValue(data.Dataset), parse.GetValue(data.Split), parse.GetValue(data.Images), dataset.Count);
            using var index = new CodeIndex(codes, labels, ids, source.ToJson());
            index.SaveExclusive(path);
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {index.Count} {kind} vectors of {index.Dimensions} values{(labels is null ? "" : " with labels")} to {path} ({watch.Elapsed.TotalSeconds:F1} s)"));
            return 0;
        });
        return command;
    }

    private static Command Append()
    {
        return IndexOnDataCommand.Create("append", "Encode more data the way the index was built and append it (the file is rewritten atomically).", [], run =>
        {
            (ParseResult parse, TextWriter stdout, string path, CodeIndex index, IndexSource source, TensorDataset dataset, DataArguments data, _) = run;
            using var scope = torch.NewDisposeScope();
            Tensor codes = source.Represent(dataset);
            long[]? labels = index.Labels is null ? null : dataset.Labels?.cpu().data<long>().ToArray()
                ?? throw new ArgumentException($"{path}: the index has labels but the appended data has none.");
            string[]? ids = index.Ids is null ? null : IndexSource.Ids(parse.GetValue(data.Dataset), parse.GetValue(data.Split), parse.GetValue(data.Images), dataset.Count);
            // Re-read under the index's lock: another append may have finished since it was loaded above.
            long total = CodeIndex.AppendTo(path, codes, labels, ids);
            stdout.WriteLine($"appended {dataset.Count} items to {path}: {total} in all");
            return 0;
        });
    }

    private static Command Bench()
    {
        var common = new CommonOptions();
        var items = new Option<long>("--items") { Description = "Random items in the collection.", DefaultValueFactory = _ => 1_000_000 };
        var dims = new Option<int>("--dims") { Description = "Values per code.", DefaultValueFactory = _ => 32 };
        var queries = new Option<int>("--queries") { Description = "Queries timed per metric.", DefaultValueFactory = _ => 256 };
        var k = new Option<int>("--neighbours", "-k") { Description = "Neighbours per query.", DefaultValueFactory = _ => 10 };
        var command = new Command("bench", "Time exact search on random codes: queries per second for Euclidean, cosine and Hamming distance.") { items, dims, queries, k };
        common.AddTo(command);
        command.SetAction(parse =>
        {
            TextWriter stdout = parse.InvocationConfiguration.Output;
            common.ConfigureRuntime(parse, defaultSeed: 0);
            using var scope = torch.NewDisposeScope();
            var generator = new Generator((ulong)(parse.GetValue(common.Seed) ?? 0));
            long n = parse.GetValue(items);
            int d = parse.GetValue(dims), q = parse.GetValue(queries), kk = parse.GetValue(k);
            using var index = new CodeIndex(torch.rand(n, d, generator: generator));
            Tensor asked = torch.rand(q, d, generator: generator);
            stdout.WriteLine($"exact search, {n:N0} random items of {d} values, {q} queries, k = {kk}, {torch.get_num_threads()} thread(s), load average {LoadAverage()}");
            foreach (DistanceMetric metric in new[] { DistanceMetric.Euclidean, DistanceMetric.Cosine, DistanceMetric.Hamming })
            {
                if (metric == DistanceMetric.Hamming)
                {
                    _ = index.Binary; // packing is a one-off cost of loading, not of each query
                }

                TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime;
                var watch = Stopwatch.StartNew();
                SearchResults results = index.Search(asked, kk, metric);
                double seconds = watch.Elapsed.TotalSeconds;
                double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{metric.ToString().ToLowerInvariant(),-10} {q / seconds,10:F1} queries/s wall ({seconds * 1000 / q:F2} ms per query), {q / cpuSeconds,10:F1} queries per CPU-second; first result {results.Indices[0][0]}"));
            }

            return 0;
        });
        return command;
    }

    // The machine's 1-minute load average (Linux), so a wall-clock figure on a shared machine can be read fairly.
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";
}
