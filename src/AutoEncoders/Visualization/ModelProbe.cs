using AutoEncoders.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Visualization;

/// <summary>
/// Runs any <see cref="Autoencoder"/> in evaluation mode without gradients, batch by batch, and hands back flat
/// float32 CPU tensors ([N, code size] or [N, sample size]) that the pictures can use whatever the model's shapes.
/// </summary>
internal static class ModelProbe
{
    private const int BatchSize = 512;

    /// <summary>Codes of <paramref name="features"/> [N, ...], flattened to [N, code size].</summary>
    public static Tensor Encode(Autoencoder model, Tensor features) =>
        Map(model, features, model.Encode);

    /// <summary>Reconstructions of <paramref name="features"/>, flattened to [N, sample size].</summary>
    public static Tensor Reconstruct(Autoencoder model, Tensor features) =>
        Map(model, features, model.Reconstruct);

    /// <summary>Decodings of flat codes [N, code size] (reshaped to the model's code shape), flattened to [N, sample size].</summary>
    public static Tensor Decode(Autoencoder model, Tensor codes)
    {
        ArgumentNullException.ThrowIfNull(codes);
        long[] codeShape = model.Config.CodeShape;
        long codeSize = codeShape.Aggregate(1L, (a, b) => a * b);
        if (codes.dim() != 2 || codes.shape[1] != codeSize)
        {
            throw new ArgumentException($"Codes for this model must be [N, {codeSize}] (code shape [{string.Join(", ", codeShape)}]); found [{string.Join(", ", codes.shape)}].", nameof(codes));
        }

        return Map(model, codes, c => model.Decode(c.reshape([c.shape[0], .. codeShape])));
    }

    /// <summary>
    /// True when the model is variational: its forward pass reports a posterior mean (decoding N(0, I) draws is
    /// then sampling the prior).
    /// </summary>
    public static bool IsVariational(Autoencoder model, Tensor sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        return Run(model, () =>
        {
            using var scope = torch.NewDisposeScope();
            AutoencoderOutput output = model.forward(sample.narrow(0, 0, 1).to(DeviceOf(model)));
            return output.Mean is not null;
        });
    }

    /// <summary>The device of the model's first parameter (CPU for a model without parameters).</summary>
    public static Device DeviceOf(Autoencoder model) => model.parameters().FirstOrDefault()?.device ?? torch.CPU;

    private static Tensor Map(Autoencoder model, Tensor input, Func<Tensor, Tensor> map)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(input);
        Device device = DeviceOf(model);
        return Run(model, () =>
        {
            using var scope = torch.NewDisposeScope();
            var parts = new List<Tensor>();
            for (long start = 0; start < input.shape[0]; start += BatchSize)
            {
                Tensor batch = input.narrow(0, start, Math.Min(BatchSize, input.shape[0] - start)).to(device);
                Tensor output = map(batch);
                parts.Add(output.reshape(output.shape[0], -1).to_type(ScalarType.Float32).cpu());
            }

            return torch.cat(parts).MoveToOuterDisposeScope();
        });
    }

    private static T Run<T>(Autoencoder model, Func<T> compute)
    {
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var noGrad = torch.no_grad();
            return compute();
        }
        finally
        {
            model.train(wasTraining);
        }
    }
}
