namespace AutoEncoders.Models;

/// <summary>One row of a <see cref="ModelSummary"/>: a layer, what one sample looks like after it, and its parameters.</summary>
/// <param name="Name">Layer name, e.g. "encoder.0".</param>
/// <param name="Type">Layer kind, e.g. "Conv2d", "MaxPool2d", "Linear".</param>
/// <param name="OutputShape">Shape of one sample after the layer (no batch dimension); empty when unknown.</param>
/// <param name="Parameters">Parameters the layer owns (shared parameters counted at their first use).</param>
public sealed record ModelSummaryRow(string Name, string Type, IReadOnlyList<long> OutputShape, long Parameters)
{
    /// <summary>Keras's notation with the batch dimension as None, e.g. "(None, 16, 28, 28)"; "?" when unknown.</summary>
    public string ShapeText => OutputShape.Count == 0 ? "?" : $"(None, {string.Join(", ", OutputShape)})";
}
