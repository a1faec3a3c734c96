namespace AutoEncoders.Onnx;

/// <summary>How <see cref="OnnxAutoencoder"/> runs its ONNX Runtime sessions.</summary>
public sealed record OnnxAutoencoderOptions
{
    /// <summary>Threads each session uses inside one operator; 0 lets ONNX Runtime choose (one per core).</summary>
    public int IntraOpThreads { get; init; }
}
