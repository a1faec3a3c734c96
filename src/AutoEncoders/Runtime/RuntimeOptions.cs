namespace AutoEncoders.Runtime;

/// <summary>Process-wide settings for reproducibility and placement, applied by <see cref="TorchRuntime.Configure"/>.</summary>
public sealed record RuntimeOptions
{
    /// <summary>Seed for torch's generator and for <see cref="TorchRuntime.Random"/>; null leaves them unseeded.</summary>
    public int? Seed { get; init; }

    /// <summary>Intra-op threads for libtorch; null means all cores.</summary>
    public int? Threads { get; init; }

    /// <summary>"cpu", "cuda" or "cuda:N". CUDA needs a CUDA build of TorchSharp to be referenced.</summary>
    public string Device { get; init; } = "cpu";
}
