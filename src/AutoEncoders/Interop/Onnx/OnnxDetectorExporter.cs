using System.Globalization;
using System.Text.Json;
using AutoEncoders.Applications.Anomaly;
using AutoEncoders.Data;
using AutoEncoders.Models;
using AutoEncoders.Models.Variational;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Interop.Onnx;

/// <summary>
/// Writes an anomaly detector (an <see cref="AutoencoderAnomalyScorer"/> and the column normaliser it was fitted
/// with) as <c>detector.onnx</c>: input "input" [batch, features], raw un-normalised rows; outputs "score" [batch],
/// the score <see cref="AutoencoderAnomalyScorer.Score"/> gives, and "feature_error" [batch, features], the
/// per-feature squared reconstruction errors averaged over the members. The normalisation, every member, its
/// standardisation and, for the neighbour scores, the training codes and rows are inside the graph.
/// </summary>
public static class OnnxDetectorExporter
{
    /// <summary>File name of the detector graph.</summary>
    public const string DetectorFile = "detector.onnx";

    /// <summary>The detector graph as ModelProto bytes.</summary>
    /// <param name="scorer">The fitted scorer (members, score kind, standardisations, reference codes).</param>
    /// <param name="normalizer">The column normaliser applied to raw rows before scoring, or null.</param>
    /// <param name="threshold">The score above which a row is flagged (metadata ae.threshold).</param>
    /// <param name="normalisation">ae.normalisation: how raw inputs must be scaled before they go in ({"kind":"none"} for table rows, whose normalisation is in the graph).</param>
    /// <exception cref="NotSupportedException">A variational member's reconstruction score is random (it averages draws of z); the message says so.</exception>
    public static byte[] Build(AutoencoderAnomalyScorer scorer, ColumnNormalizer? normalizer, double threshold, string normalisation = OnnxExporter.NoNormalisation)
    {
        ArgumentNullException.ThrowIfNull(scorer);
        bool reconstruction = scorer.UsesReconstruction;
        bool neighbours = scorer.UsesLatentNeighbours;
        bool inputNeighbours = scorer.UsesInputNeighbours;
        if (reconstruction && scorer.Members.FirstOrDefault(m => m is VariationalModel) is Autoencoder variational)
        {
            throw new NotSupportedException(
                $"ONNX export: the detector's {variational.Config.GetType().Name.Replace("Config", string.Empty, StringComparison.Ordinal)} member scores by reconstruction probability, an average over {AutoencoderAnomalyScorer.VariationalSamples} random draws of z that ONNX cannot reproduce; export a detector with --score latent-knn or a dense kind.");
        }

        if (scorer.UsesNeighbourMaximum && (scorer.RankGaussColumns is null || scorer.RankGaussReference is null))
        {
            throw new InvalidOperationException("ONNX export: the detector's knn-max score needs its rank-Gauss transform and transformed rows; the scorer has none.");
        }

        if (neighbours && scorer.ReferenceCodes.Count != scorer.Members.Count)
        {
            throw new InvalidOperationException("ONNX export: the detector's latent neighbour score needs each member's training codes; the scorer has none.");
        }

        if (inputNeighbours && scorer.ReferenceRows is null)
        {
            throw new InvalidOperationException("ONNX export: the detector's input neighbour score needs its training rows; the scorer has none.");
        }

        long width = scorer.Members[0].Config.InputShape.Aggregate(1L, (a, b) => a * b);
        var wasTraining = scorer.Members.Select(m => m.training).ToArray();
        foreach (Autoencoder member in scorer.Members)
        {
            member.eval();
        }

        try
        {
            using var noGrad = torch.no_grad();
            var graph = new OnnxGraphBuilder();
            string x = graph.Input("input", [width]);
            if (normalizer is not null)
            {
                (float[] offsets, float[] scales) = Affine(normalizer);
                x = graph.Node("Div", [graph.Node("Sub", [x, graph.Floats("normaliser.offset", offsets, width)]), graph.Floats("normaliser.scale", scales, width)]);
            }

            var reconstructionParts = new List<string>();
            var latentParts = new List<string>();
            string? errors = null;
            for (int m = 0; m < scorer.Members.Count; m++)
            {
                OnnxModelGraphs member = OnnxModelGraphs.For(scorer.Members[m]);
                graph.WeightPrefix = $"member{m}.";
                ScoreStandardization s = scorer.Standardizations[m];
                string rows = member.InputShape.Length == 1 ? x : OnnxLayers.Reshape(graph, x, member.InputShape);
                string code = member.Encoder(graph, rows).First(o => o.Name == "code").Value;
                string reconstructed = OnnxLayers.Flatten(graph, member.DecoderRefusal is null ? member.Decoder(graph, code) : member.Autoencoder(graph, rows));
                string squared = graph.Node("Pow", [graph.Node("Sub", [x, reconstructed]), graph.Floats("two", [2f])]);
                errors = errors is null ? squared : graph.Node("Add", [errors, squared]);
                if (reconstruction)
                {
                    reconstructionParts.Add(Standardise(graph, graph.Node("ReduceMean", [squared], OnnxAttribute.Ints("axes", 1), OnnxAttribute.Int("keepdims", 0)), s.ReconstructionMean, s.ReconstructionDeviation, "reconstruction"));
                }

                if (neighbours)
                {
                    string distance = NeighbourDistance(graph, code, scorer.ReferenceCodes[m], scorer.Neighbours, "codes");
                    latentParts.Add(Standardise(graph, distance, s.NeighbourMean, s.NeighbourDeviation, "neighbours"));
                }
            }

            graph.WeightPrefix = string.Empty;

            graph.Output("score", scorer.UsesNeighbourMaximum ? NeighbourMaximum(graph, x, scorer) : WeightedMean(graph, x, scorer, reconstructionParts, latentParts), []);
            graph.Output("feature_error", graph.Node("Div", [errors!, graph.Floats("members", [scorer.Members.Count])]), [width]);
            return graph.ToModel("detector", Metadata(scorer, threshold, normalisation, normalizer));
        }
        finally
        {
            for (int m = 0; m < scorer.Members.Count; m++)
            {
                scorer.Members[m].train(wasTraining[m]);
            }
        }
    }

    /// <summary>The JSON of ae.normalisation for a column normaliser: {"kind":"zscore","mean":[..],"std":[..]} or {"kind":"minmax","min":[..],"max":[..]}.</summary>
    public static string NormalisationJson(ColumnNormalizer normalizer)
    {
        ArgumentNullException.ThrowIfNull(normalizer);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            switch (normalizer)
            {
                case ZScoreNormalizer z:
                    writer.WriteString("kind", "zscore");
                    Array(writer, "mean", z.Mean);
                    Array(writer, "std", z.StandardDeviation);
                    break;
                case MinMaxNormalizer mm:
                    writer.WriteString("kind", "minmax");
                    Array(writer, "min", mm.Minimum);
                    Array(writer, "max", mm.Maximum);
                    break;
                default:
                    throw new NotSupportedException($"ONNX export: normaliser kind '{normalizer.Kind}' has no ae.normalisation form.");
            }

            Array(writer, "columns", normalizer.Columns);
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    // (x - offset) / scale with the normaliser's own rule: a constant column (scale 0) is only shifted.
    private static (float[] Offsets, float[] Scales) Affine(ColumnNormalizer normalizer) => normalizer switch
    {
        ZScoreNormalizer z => ([.. z.Mean.Select(v => (float)v)], [.. z.StandardDeviation.Select(v => v > 0 ? (float)v : 1f)]),
        MinMaxNormalizer mm => ([.. mm.Minimum.Select(v => (float)v)], [.. mm.Maximum.Zip(mm.Minimum, (hi, lo) => hi - lo > 0 ? (float)(hi - lo) : 1f)]),
        _ => throw new NotSupportedException($"ONNX export: normaliser kind '{normalizer.Kind}' has no ONNX form."),
    };

    // As AutoencoderAnomalyScorer combines them: each autoencoder part averaged over the members, then the
    // weighted mean of the parts present (R and L weigh 1, the input part InputNeighbourWeight).
    private static string WeightedMean(OnnxGraphBuilder graph, string x, AutoencoderAnomalyScorer scorer, List<string> reconstructionParts, List<string> latentParts)
    {
        var weighted = new List<(string Part, double Weight)>();
        if (reconstructionParts.Count > 0)
        {
            weighted.Add((MemberMean(graph, reconstructionParts, "reconstruction"), 1));
        }

        if (latentParts.Count > 0)
        {
            weighted.Add((MemberMean(graph, latentParts, "neighbours"), 1));
        }

        if (scorer.UsesInputNeighbours)
        {
            string distance = NeighbourDistance(graph, x, scorer.ReferenceRows!, scorer.Neighbours, "rows");
            ScoreScale scale = scorer.InputStandardization;
            weighted.Add((Standardise(graph, distance, scale.Mean, scale.Deviation, "input_neighbours"), AutoencoderAnomalyScorer.InputNeighbourWeight));
        }

        string[] terms = [.. weighted.Select((p, i) => p.Weight == 1 ? p.Part : graph.Node("Mul", [p.Part, graph.Floats($"weight{i}", [(float)p.Weight])]))];
        string total = terms.Length == 1 ? terms[0] : graph.Node("Sum", terms);
        return graph.Node("Div", [total, graph.Floats("weights", [(float)weighted.Sum(p => p.Weight)])]);
    }

    // knn-max as AutoencoderAnomalyScorer computes it: the largest of the k-NN mean distance, the nearest-row distance
    // and the k-NN mean distance after the rank-Gauss transform, each on its robust scale.
    private static string NeighbourMaximum(OnnxGraphBuilder graph, string x, AutoencoderAnomalyScorer scorer)
    {
        // One search gives both input-space parts, as in the scorer: the mean of the k exact distances and their
        // smallest (the scorer re-sorts the k by exact distance and takes the first).
        string exact = NeighbourDistances(graph, x, scorer.ReferenceRows!, scorer.Neighbours, "rows");
        string mean = graph.Node("ReduceMean", [exact], OnnxAttribute.Ints("axes", 1), OnnxAttribute.Int("keepdims", 0));
        string nearest = graph.Node("ReduceMin", [exact], OnnxAttribute.Ints("axes", 1), OnnxAttribute.Int("keepdims", 0));
        string gauss = NeighbourDistance(graph, RankGaussOnnxGraph.Transform(graph, x, scorer.RankGaussColumns!), scorer.RankGaussReference!, scorer.Neighbours, "rank_gauss_rows");
        return graph.Node("Max", [
            Standardise(graph, mean, scorer.InputStandardization.Mean, scorer.InputStandardization.Deviation, "input_neighbours"),
            Standardise(graph, nearest, scorer.NearestStandardization.Mean, scorer.NearestStandardization.Deviation, "nearest"),
            Standardise(graph, gauss, scorer.RankGaussStandardization.Mean, scorer.RankGaussStandardization.Deviation, "rank_gauss_neighbours")]);
    }

    private static string MemberMean(OnnxGraphBuilder graph, List<string> perMember, string key) =>
        perMember.Count == 1 ? perMember[0] : graph.Node("Div", [graph.Node("Sum", perMember), graph.Floats($"{key}.members", [perMember.Count])]);

    private static string Standardise(OnnxGraphBuilder graph, string raw, double mean, double deviation, string key) =>
        graph.Node("Div", [graph.Node("Sub", [raw, graph.Floats($"{key}.mean", [(float)mean])]), graph.Floats($"{key}.deviation", [(float)(deviation > 0 ? deviation : 1)])]);

    // Mean Euclidean distance to the k nearest reference codes (or rows): candidates from |c|^2 - 2 c.r + |r|^2 (one matrix
    // product), then the exact distances of the k chosen, as ExactSearch computes them.
    private static string NeighbourDistance(OnnxGraphBuilder graph, string code, Tensor references, int k, string key) =>
        graph.Node("ReduceMean", [NeighbourDistances(graph, code, references, k, key)], OnnxAttribute.Ints("axes", 1), OnnxAttribute.Int("keepdims", 0));

    // The exact Euclidean distances [batch, k] to the k nearest reference codes (or rows).
    private static string NeighbourDistances(OnnxGraphBuilder graph, string code, Tensor references, int k, string key)
    {
        using var scope = torch.NewDisposeScope();
        Tensor reference = references.to_type(ScalarType.Float32).cpu();
        long count = reference.shape[0];
        string r = graph.Weight(key, reference);
        string rT = graph.Weight($"{key}.transposed", reference.t());
        string rSquared = graph.Weight($"{key}.squared_norms", reference.square().sum(1));
        string cSquared = graph.Node("ReduceSumSquare", [code], OnnxAttribute.Ints("axes", 1), OnnxAttribute.Int("keepdims", 1));
        string cross = graph.Node("MatMul", [code, rT]);
        string squared = graph.Node("Add", [graph.Node("Sub", [cSquared, graph.Node("Mul", [cross, graph.Floats("two", [2f])])]), rSquared]);
        string[] nearest = graph.Node("TopK", [squared, graph.Int64s("k", Math.Min(k, count))], 2, OnnxAttribute.Int("axis", 1), OnnxAttribute.Int("largest", 0));
        string chosen = graph.Node("Gather", [r, nearest[1]], OnnxAttribute.Int("axis", 0));
        string difference = graph.Node("Sub", [chosen, graph.Node("Unsqueeze", [code, graph.Int64s("axes", 1)])]);
        return graph.Node("Sqrt", [graph.Node("ReduceSumSquare", [difference], OnnxAttribute.Ints("axes", 2), OnnxAttribute.Int("keepdims", 0))]);
    }

    private static List<KeyValuePair<string, string>> Metadata(AutoencoderAnomalyScorer scorer, double threshold, string normalisation, ColumnNormalizer? normalizer)
    {
        var metadata = OnnxExporter.Metadata(scorer.Members[0], "detector", normalisation).ToList();
        metadata.Add(new("ae.threshold", threshold.ToString("R", CultureInfo.InvariantCulture)));
        string score = scorer.ScoreKind switch
        {
            AnomalyScoreKind.Reconstruction => "reconstruction",
            AnomalyScoreKind.LatentNeighbours => "latent-knn",
            AnomalyScoreKind.InputNeighbours => "input-knn",
            AnomalyScoreKind.NeighbourMaximum => "knn-max",
            _ => "combined",
        };
        metadata.Add(new("ae.detector", string.Create(CultureInfo.InvariantCulture, $"{{\"members\":{scorer.Members.Count},\"score\":\"{score}\",\"neighbours\":{scorer.Neighbours}}}")));
        if (normalizer is not null)
        {
            metadata.Add(new("ae.detector_normalisation", NormalisationJson(normalizer)));
        }

        return metadata;
    }

    private static void Array<T>(Utf8JsonWriter writer, string name, IEnumerable<T> values)
    {
        writer.WriteStartArray(name);
        foreach (T value in values)
        {
            switch (value)
            {
                case double d:
                    writer.WriteNumberValue(d);
                    break;
                default:
                    writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                    break;
            }
        }

        writer.WriteEndArray();
    }
}
