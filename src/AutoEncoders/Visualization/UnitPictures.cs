using System.Globalization;
using AutoEncoders.Models;
using AutoEncoders.Models.Dense;
using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Visualization;

/// <summary>
/// What single units learned: the first layer's filters as images, and for each code unit the test samples that
/// excite it most. (The inputs that excite a unit most, found by optimisation, are <see cref="ActivationMaximization"/>.)
/// </summary>
public static class UnitPictures
{
    /// <summary>
    /// The first layer's filters [F, C*h*w] and their image layout: for a dense model the rows of
    /// EncoderLayer(0).weight, one per hidden unit, in the input's layout; for other models the first registered
    /// parameter that is a dense weight [out, C*H*W] over the whole input or a convolution kernel [out, C, h, w]
    /// with C = 1 or 3. Throws <see cref="NotSupportedException"/> when the model has neither.
    /// </summary>
    public static (Tensor Filters, ImageLayout Layout) FirstLayerFilters(Autoencoder model, ImageLayout input)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var scope = torch.NewDisposeScope();
        Tensor? weight = model is DenseAutoencoder dense ? dense.EncoderLayer(0).weight : null;
        if (weight is not null)
        {
            input.EnsureFits(weight.shape[1], "The first encoder layer's weight");
            return (weight.detach().cpu().clone().MoveToOuterDisposeScope(), input);
        }

        foreach ((string _, TorchSharp.Modules.Parameter parameter) in model.named_parameters())
        {
            if (parameter.dim() == 2 && parameter.shape[1] == input.SampleSize)
            {
                return (parameter.detach().cpu().clone().MoveToOuterDisposeScope(), input);
            }

            if (parameter.dim() == 4 && parameter.shape[1] is 1 or 3)
            {
                var kernel = new ImageLayout((int)parameter.shape[1], (int)parameter.shape[2], (int)parameter.shape[3]);
                return (parameter.detach().cpu().reshape(parameter.shape[0], -1).clone().MoveToOuterDisposeScope(), kernel);
            }
        }

        throw new NotSupportedException(
            $"{model.GetType().Name} has no first-layer weight that can be shown as images of {input}: expected a dense weight [units, {input.SampleSize}] or a convolution kernel [filters, 1 or 3, h, w].");
    }

    /// <summary>
    /// Draws up to <paramref name="maxFilters"/> first-layer filters, each stretched to its own value range (grey
    /// = the filter's middle value), and writes the PNG.
    /// </summary>
    public static PictureFile SaveFilters(Autoencoder model, ImageLayout input, string path, int maxFilters = 100, int columns = 10)
    {
        ImageGrid grid = FilterGrid(model, input, maxFilters, columns, null);
        return grid.Save(path, "First-layer filters",
            "The weights from the input to each first-layer unit, drawn as images: bright pixels raise the unit's input, dark ones lower it.");
    }

    /// <summary>
    /// Draws the first-layer filters of several models side by side, one titled panel per model (the same units,
    /// 0 to <paramref name="maxFilters"/> - 1, of each), and writes the PNG: the "before / after" comparison of a
    /// plain and a denoising autoencoder of the same size, whose filters turn from noise-like patterns into stroke
    /// and blob detectors (Vincent et al., 2008, figure 3; deeplearning.net's denoising autoencoder tutorial).
    /// </summary>
    public static PictureFile SaveFilterComparison(IReadOnlyList<(string Label, Autoencoder Model)> panels, ImageLayout input, string path, int maxFilters = 100, int columns = 10)
    {
        ArgumentNullException.ThrowIfNull(panels);
        if (panels.Count == 0)
        {
            throw new ArgumentException("A filter comparison needs at least one model.", nameof(panels));
        }

        const int gap = 24;
        var images = new List<SKImage>();
        try
        {
            foreach ((string label, Autoencoder model) in panels)
            {
                images.Add(FilterGrid(model, input, maxFilters, columns, label).Render());
            }

            using SKSurface surface = PngOutput.NewSurface(images.Sum(i => i.Width) + (gap * (images.Count - 1)), images.Max(i => i.Height));
            int left = 0;
            foreach (SKImage image in images)
            {
                surface.Canvas.DrawImage(image, left, 0);
                left += image.Width + gap;
            }

            return PngOutput.Save(surface, path, "First-layer filters side by side",
                $"The first-layer filters of {string.Join(", ", panels.Select(p => p.Label))}, each filter stretched to its own range: bright pixels raise the unit's input, dark ones lower it.");
        }
        finally
        {
            foreach (SKImage image in images)
            {
                image.Dispose();
            }
        }
    }

    // The first maxFilters filters of the model in rows of columns; label names the model in the title, if given.
    private static ImageGrid FilterGrid(Autoencoder model, ImageLayout input, int maxFilters, int columns, string? label)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFilters, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        (Tensor filters, ImageLayout layout) = FirstLayerFilters(model, input);
        using (filters)
        {
            long count = Math.Min(maxFilters, filters.shape[0]);
            columns = (int)Math.Min(columns, count);
            var grid = new ImageGrid(layout, columns)
            {
                Scaling = PixelScaling.PerImage,
                Title = label is null
                    ? string.Create(CultureInfo.InvariantCulture, $"First-layer filters ({count} of {filters.shape[0]}), each normalised to its own range")
                    : string.Create(CultureInfo.InvariantCulture, $"{label}: {count} of {filters.shape[0]} filters"),
            };
            for (long start = 0; start < count; start += columns)
            {
                using Tensor row = filters.narrow(0, start, Math.Min(columns, count - start));
                grid.AddRow(row);
            }

            return grid;
        }
    }

    /// <summary>
    /// The indices [units, k] of the <paramref name="perUnit"/> samples with the highest activation of each of the
    /// first <paramref name="units"/> code units, most active first, and those activations.
    /// </summary>
    public static (Tensor Indices, Tensor Activations) TopActivating(Autoencoder model, Tensor samples, int units, int perUnit)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentOutOfRangeException.ThrowIfLessThan(units, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(perUnit, 1);
        using var scope = torch.NewDisposeScope();
        Tensor codes = ModelProbe.Encode(model, samples);
        int u = (int)Math.Min(units, codes.shape[1]);
        int k = (int)Math.Min(perUnit, codes.shape[0]);
        (Tensor values, Tensor indices) = codes.narrow(1, 0, u).topk(k, dim: 0);
        return (indices.t().contiguous().MoveToOuterDisposeScope(), values.t().contiguous().MoveToOuterDisposeScope());
    }

    /// <summary>
    /// One row per code unit (up to <paramref name="units"/>): the <paramref name="perUnit"/> samples that excite it
    /// most, most active first; writes the PNG.
    /// </summary>
    public static PictureFile SaveTopActivating(Autoencoder model, Tensor samples, ImageLayout layout, string path, int units = 16, int perUnit = 8)
    {
        ArgumentNullException.ThrowIfNull(samples);
        using var scope = torch.NewDisposeScope();
        (Tensor indices, Tensor activations) = TopActivating(model, samples, units, perUnit);
        var grid = new ImageGrid(layout, (int)indices.shape[1])
        {
            Title = "Test samples that activate each code unit most",
        };
        float[] best = activations.select(1, 0).data<float>().ToArray();
        for (int unit = 0; unit < indices.shape[0]; unit++)
        {
            grid.AddRow(samples.index_select(0, indices[unit]), string.Create(CultureInfo.InvariantCulture, $"unit {unit} (max {best[unit]:0.##})"));
        }

        return grid.Save(path, "Most activating test samples",
            string.Create(CultureInfo.InvariantCulture, $"For each of the first {indices.shape[0]} code units, the {indices.shape[1]} of {samples.shape[0]} test samples with the highest activation, left to right."));
    }
}
