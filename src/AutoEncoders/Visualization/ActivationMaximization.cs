using System.Globalization;
using AutoEncoders.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Visualization;

/// <summary>
/// Activation maximisation (Erhan, Bengio, Courville and Vincent, 2009): the input x* = argmax h_j(x) subject to
/// ||x|| = rho, found by gradient ascent on the input from a random start, projecting back onto the sphere of radius
/// rho after every step. The picture of x* shows what pattern a code unit responds to. Each step moves by
/// <see cref="StepSize"/> * rho along the normalised gradient, so the search does not depend on the activation's scale.
/// </summary>
public sealed class ActivationMaximization
{
    /// <summary>Gradient-ascent steps.</summary>
    public int Steps { get; init; } = 200;

    /// <summary>Step length as a fraction of the norm rho.</summary>
    public double StepSize { get; init; } = 0.1;

    /// <summary>Seed of the random starting points.</summary>
    public long Seed { get; init; }

    /// <summary>
    /// Inputs [units, ...input shape] that maximise each listed code unit (flattened code index) under ||x|| = <paramref name="norm"/>,
    /// and the unit activations they reach [units].
    /// </summary>
    public (Tensor Inputs, Tensor Activations) Maximize(Autoencoder model, IReadOnlyList<int> units, double norm)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(units);
        if (units.Count == 0)
        {
            throw new ArgumentException("Name at least one code unit to maximise.", nameof(units));
        }

        if (!(norm > 0) || !double.IsFinite(norm))
        {
            throw new ArgumentOutOfRangeException(nameof(norm), norm, "The input norm rho must be a positive number.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(Steps, 0);
        long[] inputShape = model.Config.InputShape;
        long codeSize = model.Config.CodeShape.Aggregate(1L, (a, b) => a * b);
        if (units.Any(u => u < 0 || u >= codeSize))
        {
            throw new ArgumentOutOfRangeException(nameof(units), $"Code units run from 0 to {codeSize - 1}; found [{string.Join(", ", units)}].");
        }

        Device device = ModelProbe.DeviceOf(model);
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var scope = torch.NewDisposeScope();
            using var enableGrad = torch.enable_grad();
            int count = units.Count;
            using var generator = new Generator((ulong)Seed);
            Tensor index = torch.tensor(units.Select(u => (long)u).ToArray()).reshape(count, 1).to(device);
            Tensor x = Project(torch.randn([count, inputShape.Aggregate(1L, (a, b) => a * b)], generator: generator).to(device), norm);
            for (int step = 0; step < Steps; step++)
            {
                using var stepScope = torch.NewDisposeScope();
                Tensor input = x.detach().requires_grad_(true);
                Tensor objective = Activations(model, input, inputShape, index).sum();
                Tensor gradient = torch.autograd.grad([objective], [input])[0];
                Tensor length = gradient.norm(1, keepdim: true).clamp_min(1e-12);
                x = Project(input.detach() + (StepSize * norm * gradient / length), norm).MoveToOuterDisposeScope();
            }

            using var noGrad = torch.no_grad();
            Tensor reached = Activations(model, x, inputShape, index);
            return (x.reshape([count, .. inputShape]).cpu().MoveToOuterDisposeScope(), reached.cpu().MoveToOuterDisposeScope());
        }
        finally
        {
            model.train(wasTraining);
        }
    }

    /// <summary>
    /// Maximises the first <paramref name="maxUnits"/> code units with rho = the mean norm of <paramref name="samples"/>
    /// (so x* is as "bright" as a typical input) and writes the PNG, one image per unit.
    /// </summary>
    public PictureFile Save(Autoencoder model, Tensor samples, ImageLayout layout, string path, int maxUnits = 16, int columns = 8)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(samples);
        long codeSize = model.Config.CodeShape.Aggregate(1L, (a, b) => a * b);
        int count = (int)Math.Min(maxUnits, codeSize);
        double norm;
        using (Tensor norms = samples.reshape(samples.shape[0], -1).to_type(ScalarType.Float32).norm(1))
        {
            norm = norms.mean().item<float>();
        }

        (Tensor inputs, Tensor activations) = Maximize(model, Enumerable.Range(0, count).ToArray(), norm);
        using (inputs)
        using (activations)
        {
            columns = Math.Min(columns, count);
            var grid = new ImageGrid(layout, columns)
            {
                Scaling = PixelScaling.PerImage,
                Title = string.Create(CultureInfo.InvariantCulture, $"Inputs of norm {norm:0.##} that excite code units 0-{count - 1} most"),
            };
            for (int start = 0; start < count; start += columns)
            {
                using Tensor row = inputs.narrow(0, start, Math.Min(columns, count - start));
                grid.AddRow(row, string.Create(CultureInfo.InvariantCulture, $"units {start}-{Math.Min(count, start + columns) - 1}"));
            }

            return grid.Save(path, "Activation maximisation",
                string.Create(CultureInfo.InvariantCulture, $"For each code unit, the input x with ||x|| = {norm:0.###} (the test samples' mean norm) that maximises the unit's activation, by {Steps} steps of projected gradient ascent from a random start (Erhan et al., 2009); each image is stretched to its own range."));
        }
    }

    private static Tensor Activations(Autoencoder model, Tensor flat, long[] inputShape, Tensor index)
    {
        Tensor codes = model.Encode(flat.reshape([flat.shape[0], .. inputShape]));
        return codes.reshape(codes.shape[0], -1).gather(1, index).squeeze(1);
    }

    private static Tensor Project(Tensor x, double norm) => x * (norm / x.norm(1, keepdim: true).clamp_min(1e-12));
}
