using System.Text.Json.Serialization;
using static TorchSharp.torch;

namespace AutoEncoders.Training;

/// <summary>What a callback keeps in a checkpoint: numbers (in the JSON header) and named tensors (after the weights).</summary>
public sealed class CallbackState
{
    /// <summary>Named numbers (counters, best values).</summary>
    public Dictionary<string, double> Numbers { get; init; } = [];

    /// <summary>Named tensors (saved weights); the checkpoint writer reads them, the reader hands over new ones.</summary>
    [JsonIgnore]
    public Dictionary<string, Tensor> Tensors { get; init; } = [];

    /// <summary>A number, or <paramref name="fallback"/> when absent.</summary>
    public double Number(string name, double fallback) => Numbers.TryGetValue(name, out double v) ? v : fallback;
}
