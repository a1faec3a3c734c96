using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using AutoEncoders.Applications.Search;
using AutoEncoders.Data;
using AutoEncoders.Visualization;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Cli.Commands;

/// <summary>
/// `ae search INDEX`: the k nearest indexed items to query items of a dataset (encoded the way the index was built),
/// printed and optionally drawn as a PNG of each query and its neighbours; or precision@k by label over many queries.
/// </summary>
internal static class SearchCommand
{
    public static Command Create()
    {
        var query = new Option<string?>("--query", "-q") { Description = "Rows of the query data to search for, e.g. 0,5,9 (default: 0)." };
        var evaluate = new Option<int?>("--evaluate") { Description = "Instead of printing, measure precision@k by label over the first N query rows." };
        var k = new Option<int>("--neighbours", "-k") { Description = "Neighbours per query.", DefaultValueFactory = _ => 10 };
        var metric = EnumOption.Create<DistanceMetric>("--metric", "euclidean (default), cosine, or hamming (codes thresholded at 0.5, packed to bits).");
        var png = new Option<string?>("--png") { Description = "Write a PNG: each query (left) and its neighbours, for image data." };
        var leaveOneOut = new Option<bool>("--leave-one-out") { Description = "The queries are items of the index itself: drop each query from its own neighbours." };
        var command = IndexOnDataCommand.Create("search", "Find the k nearest indexed items to query items (Euclidean, cosine or Hamming distance; exact).", [query, evaluate, k, metric, png, leaveOneOut], run =>
        {
            (ParseResult parse, TextWriter stdout, string path, CodeIndex index, IndexSource source, TensorDataset queryData, _, DatasetOptions options) = run;
            int kk = parse.GetValue(k);
            DistanceMetric distance = parse.GetValue(metric) ?? DistanceMetric.Euclidean;
            bool self = parse.GetValue(leaveOneOut);
            long[] rows = parse.GetValue(evaluate) is int count
                ? [.. Enumerable.Range(0, (int)Math.Min(count, queryData.Count)).Select(i => (long)i)]
                : ParseRows(parse.GetValue(query), queryData.Count);
            using var scope = torch.NewDisposeScope();
            if (CollapseWarning(index, path) is string warning)
            {
                parse.InvocationConfiguration.Error.WriteLine(warning);
            }

            using TensorDataset selected = queryData.Select(torch.tensor(rows));
            Tensor codes = source.Represent(selected);
            var watch = Stopwatch.StartNew();
            SearchResults results = index.Search(codes, self ? kk + 1 : kk, distance);
            double seconds = watch.Elapsed.TotalSeconds;
            if (self)
            {
                results = results.WithoutSelf(rows, kk);
            }

            if (parse.GetValue(evaluate) is not null)
            {
                long[] queryLabels = selected.Labels?.cpu().data<long>().ToArray() ?? throw new ArgumentException("--evaluate needs labelled query data.");
                IReadOnlyList<long> indexLabels = index.Labels ?? throw new ArgumentException($"{path}: the index has no labels; precision@k needs them.");
                double precision = RetrievalPrecision.AtK(results, indexLabels, queryLabels, kk);
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"precision@{kk} {precision:F4} ({rows.Length} queries, {index.Count} items, {IndexSource.Of(index, path).Representation} {index.Dimensions}-D, {distance.ToString().ToLowerInvariant()}; {rows.Length / seconds:F0} queries/s)"));
                return 0;
            }

            for (int q = 0; q < rows.Length; q++)
            {
                string label = selected.Labels is null ? "" : $" ({ClassName(selected, selected.Labels[q].item<long>())})";
                stdout.WriteLine($"query {rows[q]}{label}:");
                for (int i = 0; i < results.Indices[q].Length; i++)
                {
                    long item = results.Indices[q][i];
                    string id = index.Ids?[(int)item] ?? item.ToString(CultureInfo.InvariantCulture);
                    string itemLabel = index.Labels is null ? "" : $"  label {ClassName(selected, index.Labels[(int)item])}";
                    stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {i + 1,3}. {id,-32} distance {results.Distances[q][i]:G5}{itemLabel}"));
                }
            }

            if (parse.GetValue(png) is string picture)
            {
                ImageLayout layout = ImageLayout.Infer(selected.SampleShape);
                var grid = new ImageGrid(layout, kk + 1) { Title = $"Query (left) and its {kk} nearest items by {distance.ToString().ToLowerInvariant()} distance" };
                var cache = new Dictionary<string, TensorDataset>();
                try
                {
                    for (int q = 0; q < rows.Length; q++)
                    {
                        var images = new List<Tensor> { selected.Features[q].reshape(1, -1) };
                        foreach (long item in results.Indices[q])
                        {
                            images.Add(ItemImage(index, item, options, cache).reshape(1, -1));
                        }

                        grid.AddRow(torch.cat(images, 0), $"#{rows[q]}");
                    }
                }
                finally
                {
                    foreach (TensorDataset loaded in cache.Values)
                    {
                        loaded.Dispose();
                    }
                }

                grid.Save(picture, "Similarity search", $"Each row: a query and its {kk} nearest items in {path}.");
                stdout.WriteLine($"wrote {picture}");
            }

            return 0;
        });
        return command;
    }

    // A model that maps every input to the same code gives an index whose distances are all equal: its neighbours
    // are arbitrary, and answering without a word would pass them off as similar items.
    private static string? CollapseWarning(CodeIndex index, string path)
    {
        if (index.Count < 2)
        {
            return null;
        }

        using var scope = torch.NewDisposeScope();
        Tensor range = index.Codes.max(0).values - index.Codes.min(0).values;
        double spread = range.max().item<float>();
        double scale = Math.Max(1.0, index.Codes.abs().max().item<float>());
        return spread <= 1e-6 * scale
            ? string.Create(CultureInfo.InvariantCulture, $"warning: {path}: all {index.Count} indexed codes are the same (largest spread of a dimension {spread:G3}): the model has collapsed, every distance is equal and the neighbours below are arbitrary.")
            : null;
    }

    private static long[] ParseRows(string? text, long count)
    {
        if (text is null)
        {
            return [0];
        }

        return [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s =>
            long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out long row) && row >= 0 && row < count
                ? row
                : throw new ArgumentException($"--query: '{s}' is not a row of the query data; expected integers from 0 to {count - 1}, e.g. 0,5,9."))];
    }

    private static string ClassName(TensorDataset data, long label) =>
        label >= 0 && label < data.ClassNames.Count ? data.ClassNames[(int)label] : label.ToString(CultureInfo.InvariantCulture);

    // An indexed item's input, found again from its id: "dataset:split:row" or "idx:FILE:row".
    private static Tensor ItemImage(CodeIndex index, long item, DatasetOptions options, Dictionary<string, TensorDataset> cache)
    {
        string id = index.Ids?[(int)item] ?? throw new InvalidDataException("The index has no item ids, so its items cannot be drawn; rebuild it with `ae index build`.");
        int colon = id.LastIndexOf(':');
        string where = id[..colon];
        long row = long.Parse(id[(colon + 1)..], CultureInfo.InvariantCulture);
        if (!cache.TryGetValue(where, out TensorDataset? data))
        {
            if (where.StartsWith("idx:", StringComparison.Ordinal))
            {
                data = IdxDataset.Load(where[4..], null, name: Path.GetFileName(where[4..]));
            }
            else
            {
                int split = where.LastIndexOf(':');
                data = DatasetCatalog.Default.Load(where[..split], Enum.Parse<DatasetSplit>(where[(split + 1)..], ignoreCase: true), options);
            }

            cache[where] = data;
        }

        return data.Features[row];
    }
}
