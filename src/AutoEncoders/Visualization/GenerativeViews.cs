using System.Globalization;
using AutoEncoders.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Visualization;

/// <summary>
/// Pictures made by decoding codes that no input produced, written against <see cref="Autoencoder.Decode"/> only,
/// so they work for every model: a grid over a 2-D plane of the code space, samples from a
/// <see cref="LatentDistribution"/>, and interpolation strips between the codes of two test images.
/// </summary>
public static class GenerativeViews
{
    /// <summary>
    /// The plane a latent grid sweeps for <paramref name="model"/>: the VAE prior's, a Gaussian fitted to prior draws
    /// for other generative models (the adversarial autoencoder's prior may be a mixture), or to the data's codes
    /// (<paramref name="dataCodes"/>, [N, d]) otherwise.
    /// </summary>
    public static LatentDistribution GridDistribution(Autoencoder model, Func<Tensor> dataCodes, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(dataCodes);
        return model switch
        {
            Models.Variational.VariationalModel vae => LatentDistribution.StandardNormal(vae.LatentSize),
            IGenerativeAutoencoder generative => LatentDistribution.FitToCodes(generative.SamplePrior(5000, generator).cpu()),
            _ => LatentDistribution.FitToCodes(dataCodes()),
        };
    }

    /// <summary>
    /// <paramref name="count"/> codes to decode into new samples: prior draws for a generative model, otherwise draws
    /// from a Gaussian fitted to the data's codes (<paramref name="dataCodes"/>, [N, d]); with what they were drawn from, for captions.
    /// </summary>
    public static (Tensor Codes, string Source) SampleCodes(Autoencoder model, long count, Func<Tensor> dataCodes, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(dataCodes);
        if (model is IGenerativeAutoencoder generative)
        {
            return (generative.SamplePrior(count, generator), generative.PriorDescription);
        }

        using LatentDistribution fitted = LatentDistribution.FitToCodes(dataCodes());
        return (fitted.Sample(count, generator), fitted.Description);
    }

    /// <summary>Decodes the <paramref name="steps"/> x <paramref name="steps"/> grid of <paramref name="distribution"/> (one row for 1-D codes) and writes the PNG.</summary>
    public static PictureFile SaveLatentGrid(Autoencoder model, LatentDistribution distribution, ImageLayout layout, string path, int steps = 12)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(distribution);
        using var scope = torch.NewDisposeScope();
        Tensor images = ModelProbe.Decode(model, distribution.Grid(steps));
        int rows = (int)(images.shape[0] / steps);
        var grid = new ImageGrid(layout, steps) { Padding = 0, Title = "Decoded latent grid" };
        for (int r = 0; r < rows; r++)
        {
            grid.AddRow(images.narrow(0, r * steps, steps));
        }

        string range = string.Join(" and ", distribution.GridLow.Zip(distribution.GridHigh, (l, h) => string.Create(CultureInfo.InvariantCulture, $"[{l:0.##}, {h:0.##}]")));
        return grid.Save(path, "Latent grid",
            $"Decoder outputs for codes on a regular {steps}-step grid over {distribution.GridDescription} (ranges {range}); the first axis runs left to right, the second bottom to top.");
    }

    /// <summary>Decodes <paramref name="count"/> draws from <paramref name="distribution"/> (seeded) and writes the PNG.</summary>
    public static PictureFile SaveSamples(Autoencoder model, LatentDistribution distribution, ImageLayout layout, string path, int count = 32, long seed = 0, int columns = 8)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(distribution);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        using var scope = torch.NewDisposeScope();
        using var generator = new Generator((ulong)seed);
        Tensor images = ModelProbe.Decode(model, distribution.Sample(count, generator));
        columns = Math.Min(columns, count);
        var grid = new ImageGrid(layout, columns) { Title = distribution.IsStandardNormal ? "Samples from the prior" : "Samples from a Gaussian fitted to the test codes" };
        for (int start = 0; start < count; start += columns)
        {
            grid.AddRow(images.narrow(0, start, Math.Min(columns, count - start)));
        }

        return grid.Save(path, distribution.IsStandardNormal ? "Samples from the prior" : "Samples",
            string.Create(CultureInfo.InvariantCulture, $"Decoder outputs for {count} codes drawn (seed {seed}) from {distribution.Description}."));
    }

    /// <summary>
    /// Writes <paramref name="images"/> [N, ...] (any generated images, e.g. decoded prior draws or the states of a
    /// Markov chain) as a PNG grid of <paramref name="columns"/> columns.
    /// </summary>
    public static PictureFile SaveImages(Tensor images, ImageLayout layout, string path, int columns, string title, string description)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        using var scope = torch.NewDisposeScope();
        Tensor flat = images.detach().reshape(images.shape[0], -1).cpu();
        long count = flat.shape[0];
        columns = (int)Math.Min(columns, Math.Max(1, count));
        var grid = new ImageGrid(layout, columns) { Title = title };
        for (long start = 0; start < count; start += columns)
        {
            grid.AddRow(flat.narrow(0, start, Math.Min(columns, count - start)));
        }

        return grid.Save(path, title, description);
    }

    /// <summary>
    /// The decodings [pairs, steps, sample size] of codes interpolated linearly between the codes of the sample
    /// pairs (<paramref name="from"/>[i], <paramref name="to"/>[i]): z(t) = (1 - t) z_a + t z_b for t = 0 .. 1.
    /// </summary>
    public static Tensor Interpolate(Autoencoder model, Tensor from, Tensor to, int steps)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 2);
        using var scope = torch.NewDisposeScope();
        Tensor a = ModelProbe.Encode(model, from), b = ModelProbe.Encode(model, to);
        Tensor t = torch.linspace(0, 1, steps).reshape(1, steps, 1);
        Tensor codes = (a.unsqueeze(1) * (1 - t)) + (b.unsqueeze(1) * t);
        long pairs = a.shape[0];
        Tensor images = ModelProbe.Decode(model, codes.reshape(pairs * steps, -1));
        return images.reshape(pairs, steps, -1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// One strip per pair of test samples chosen with <paramref name="seed"/>: the first image, the decodings of
    /// <paramref name="steps"/> codes from its code to the second's, then the second image; writes the PNG.
    /// </summary>
    public static PictureFile SaveInterpolations(Autoencoder model, Tensor samples, ImageLayout layout, string path, int pairs = 4, int steps = 8, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentOutOfRangeException.ThrowIfLessThan(pairs, 1);
        if (samples.shape[0] < 2)
        {
            throw new ArgumentException("Interpolation needs at least two test samples.", nameof(samples));
        }

        using var scope = torch.NewDisposeScope();
        using var generator = new Generator((ulong)seed);
        long available = samples.shape[0] / 2;
        pairs = (int)Math.Min(pairs, available);
        Tensor order = torch.randperm(samples.shape[0], generator: generator).narrow(0, 0, 2 * pairs);
        Tensor from = samples.index_select(0, order.narrow(0, 0, pairs));
        Tensor to = samples.index_select(0, order.narrow(0, pairs, pairs));
        Tensor strips = Interpolate(model, from, to, steps);
        var grid = new ImageGrid(layout, steps + 2) { Title = "Interpolating between the codes of two test images (originals at the ends)" };
        for (int i = 0; i < pairs; i++)
        {
            grid.AddRow(torch.cat([from[i].reshape(1, -1), strips[i], to[i].reshape(1, -1)]));
        }

        return grid.Save(path, "Interpolations",
            string.Create(CultureInfo.InvariantCulture, $"{pairs} pairs of test images (seed {seed}); between them, the decodings of {steps} codes on the straight line from the first image's code to the second's, ends included."));
    }
}
