using AutoEncoders.Models;
using AutoEncoders.Objectives.Corruptions;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Visualization;

/// <summary>
/// Test images over their reconstructions; for a denoising model (one trained with a corruption), the clean image,
/// the corrupted input the model is given and its output. The images are drawn with a seed, so a report shows the
/// same ones every time it is rebuilt.
/// </summary>
public static class ReconstructionGrid
{
    /// <summary>
    /// Draws <paramref name="count"/> test samples chosen by <paramref name="seed"/>, in bands of at most
    /// <paramref name="columns"/>, and writes the PNG. With <paramref name="corruption"/> the model is shown
    /// denoising: corrupted inputs (seeded too) and the outputs for them.
    /// </summary>
    public static PictureFile Save(Autoencoder model, Tensor samples, ImageLayout layout, string path, int count = 10, long seed = 0, Corruption? corruption = null, int columns = 10)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        using var scope = torch.NewDisposeScope();
        Tensor chosen = samples.index_select(0, Choose(samples.shape[0], count, seed));
        layout.EnsureFits(chosen.reshape(chosen.shape[0], -1).shape[1], "The test data");
        Tensor? noisy = null;
        if (corruption is not null)
        {
            using var generator = new Generator((ulong)seed + 1);
            noisy = corruption.Apply(chosen, generator);
        }

        Tensor outputs = ModelProbe.Reconstruct(model, noisy ?? chosen);
        long n = chosen.shape[0];
        columns = (int)Math.Min(columns, n);
        var grid = new ImageGrid(layout, columns)
        {
            Title = corruption is null ? "Test images (top) and their reconstructions (below)" : "Clean test images, corrupted inputs and the model's denoised outputs",
        };
        for (long start = 0; start < n; start += columns)
        {
            long k = Math.Min(columns, n - start);
            grid.AddRow(chosen.narrow(0, start, k), "original");
            if (noisy is not null)
            {
                grid.AddRow(noisy.narrow(0, start, k), "corrupted");
                grid.AddRow(outputs.narrow(0, start, k), "denoised");
            }
            else
            {
                grid.AddRow(outputs.narrow(0, start, k), "reconstructed");
            }
        }

        string description = corruption is null
            ? $"{n} test images drawn with seed {seed}, each above its reconstruction Decode(Encode(x))."
            : $"{n} test images drawn with seed {seed}: the clean image, the input corrupted as in training ({corruption.GetType().Name}), and the model's output for that input.";
        return grid.Save(path, corruption is null ? "Reconstructions" : "Denoising", description);
    }

    /// <summary>The indices of <paramref name="count"/> of <paramref name="total"/> samples (all when fewer), drawn without replacement with <paramref name="seed"/>, in increasing order.</summary>
    public static Tensor Choose(long total, long count, long seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(total, 1);
        using var scope = torch.NewDisposeScope();
        using var generator = new Generator((ulong)seed);
        Tensor order = torch.randperm(total, generator: generator);
        return order.narrow(0, 0, Math.Min(count, total)).sort().Values.MoveToOuterDisposeScope();
    }
}
