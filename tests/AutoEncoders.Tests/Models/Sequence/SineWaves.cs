using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Tests.Models.Sequence;

/// <summary>A family of noisy sine waves [N, T, 1] with random frequency, phase and amplitude, and planted anomalies.</summary>
internal static class SineWaves
{
    public static Tensor Normal(int count, int steps, Generator generator, double noise = 0.05)
    {
        using var scope = torch.NewDisposeScope();
        Tensor frequency = 1 + (2 * torch.rand(count, 1, generator: generator));
        Tensor phase = 2 * Math.PI * torch.rand(count, 1, generator: generator);
        Tensor amplitude = 0.7 + (0.3 * torch.rand(count, 1, generator: generator));
        Tensor t = torch.arange(steps, dtype: ScalarType.Float32).unsqueeze(0) / steps;
        Tensor waves = amplitude * torch.sin((2 * Math.PI * frequency * t) + phase);
        Tensor series = waves + (noise * torch.randn(count, steps, generator: generator));
        return series.unsqueeze(2).MoveToOuterDisposeScope();
    }

    /// <summary>Normal waves with one defect each, cycling through a spike, a level shift, a flat stretch and a burst of noise.</summary>
    public static Tensor Anomalous(int count, int steps, Generator generator)
    {
        using var scope = torch.NewDisposeScope();
        Tensor series = Normal(count, steps, generator);
        int[] starts = torch.randint(steps / 4, 3 * steps / 4, [count], generator: generator).data<long>().ToArray().Select(s => (int)s).ToArray();
        for (int i = 0; i < count; i++)
        {
            int s = starts[i];
            Tensor stretch = series[i, TensorIndex.Slice(s, Math.Min(steps, s + 6)), 0];
            switch (i % 4)
            {
                case 0:
                    stretch.add_(2.0);
                    break;
                case 1:
                    series[i, TensorIndex.Slice(s, null), 0].add_(1.0);
                    break;
                case 2:
                    stretch.zero_();
                    series[i, TensorIndex.Slice(s, Math.Min(steps, s + 10)), 0].zero_();
                    break;
                default:
                    stretch.add_(0.8 * torch.randn(stretch.shape, generator: generator));
                    break;
            }
        }

        return series.MoveToOuterDisposeScope();
    }
}
