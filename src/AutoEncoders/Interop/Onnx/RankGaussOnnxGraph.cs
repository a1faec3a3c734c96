using AutoEncoders.Applications.Anomaly;
using static TorchSharp.torch;

namespace AutoEncoders.Interop.Onnx;

/// <summary>
/// <see cref="RankGaussTransform.Apply"/> as ONNX nodes. ONNX has no searchsorted and no inverse error function, so
/// each column's two search positions come from a binary search unrolled into the graph (⌈log₂(N + 1)⌉ steps of
/// GatherElements and Where over the sorted reference values), and their sum picks the transformed value from a
/// lookup table of 2N + 1 values computed by <see cref="RankGaussTransform.ValuesByPositionSum"/>: the same float64
/// arithmetic, so the graph gives the library's values exactly.
/// </summary>
internal static class RankGaussOnnxGraph
{
    /// <summary>Nodes that transform <paramref name="rows"/> [batch, D] (float32) by the fitted <paramref name="sortedColumns"/> [D, N]; returns the [batch, D] output.</summary>
    public static string Transform(OnnxGraphBuilder graph, string rows, Tensor sortedColumns)
    {
        long count = sortedColumns.shape[1];
        string sorted = graph.Weight("rank_gauss.sorted_columns", sortedColumns);
        string table = graph.Floats("rank_gauss.values", RankGaussTransform.ValuesByPositionSum(count), (2 * count) + 1);

        // As Apply: a value within TieTolerance × (1 + |value|) of a reference value counts as tied with it.
        string values = graph.Node("Transpose", [rows], OnnxAttribute.Ints("perm", 1, 0));
        string tolerance = graph.Node("Mul", [graph.Node("Add", [graph.Node("Abs", [values]), graph.Floats("one", [1f])]), graph.Floats("rank_gauss.tolerance", [RankGaussTransform.TieTolerance])]);
        string shape = graph.Node("Shape", [values]);
        string left = Search(graph, sorted, count, shape, graph.Node("Sub", [values, tolerance]), "Less");
        string right = Search(graph, sorted, count, shape, graph.Node("Add", [values, tolerance]), "LessOrEqual");
        string gauss = graph.Node("Gather", [table, graph.Node("Add", [left, right])], OnnxAttribute.Int("axis", 0));
        return graph.Node("Transpose", [gauss], OnnxAttribute.Ints("perm", 1, 0));
    }

    // For each value [D, batch], the first position in its sorted column whose reference value fails `comparison`
    // (value < target: searchsorted's left side; value <= target: its right side), by bisection over [0, N].
    private static string Search(OnnxGraphBuilder graph, string sorted, long count, string shape, string targets, string comparison)
    {
        string low = graph.Int64s("low", 0);
        string high = graph.Int64s("high", count);
        string two = graph.Int64s("two", 2);
        string one = graph.Int64s("one", 1);
        string last = graph.Int64s("last", count - 1);
        int steps = (int)Math.Ceiling(Math.Log2(count + 1)) + 1;
        for (int step = 0; step < steps; step++)
        {
            string open = graph.Node("Less", [low, high]);
            string middle = graph.Node("Div", [graph.Node("Add", [low, high]), two]);
            string index = graph.Node("Expand", [graph.Node("Min", [middle, last]), shape]);
            string reference = graph.Node("GatherElements", [sorted, index], OnnxAttribute.Int("axis", 1));
            string below = graph.Node(comparison, [reference, targets]);
            low = graph.Node("Where", [graph.Node("And", [open, below]), graph.Node("Add", [middle, one]), low]);
            high = graph.Node("Where", [graph.Node("And", [open, graph.Node("Not", [below])]), middle, high]);
        }

        return low;
    }
}
