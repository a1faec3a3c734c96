using System.Globalization;
using System.Text;
using AutoEncoders.Models.Dense;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Models;

/// <summary>
/// A Keras-like summary of any <see cref="Autoencoder"/>: each layer's name and type, the shape one sample has after
/// it, its parameter count, and the totals. Shapes come from running a dummy sample through the model: models that
/// implement <see cref="ILayerSummarySource"/> trace their own layers; the dense model is described from its layers;
/// any other model is traced with forward hooks on its leaf modules (layers it calls through <c>call</c>).
/// Parameters the trace does not reach are listed in one extra row, so the total is always the model's.
/// </summary>
public sealed class ModelSummary
{
    private ModelSummary(string modelName, IReadOnlyList<ModelSummaryRow> rows, long total, long trainable, long buffers)
    {
        ModelName = modelName;
        Rows = rows;
        TotalParameters = total;
        TrainableParameters = trainable;
        BufferValues = buffers;
    }

    /// <summary>The model's module name, e.g. "convolutional_autoencoder".</summary>
    public string ModelName { get; }

    /// <summary>The input row, then one row per layer in the order the forward pass runs them.</summary>
    public IReadOnlyList<ModelSummaryRow> Rows { get; }

    /// <summary>All parameters (shared ones once): <see cref="Autoencoder.ParameterCount"/>.</summary>
    public long TotalParameters { get; }

    /// <summary>Parameters that require gradients.</summary>
    public long TrainableParameters { get; }

    /// <summary>Frozen parameters.</summary>
    public long NonTrainableParameters => TotalParameters - TrainableParameters;

    /// <summary>
    /// Values held in buffers rather than parameters (batch-norm running means and variances, counters). Keras
    /// counts the running statistics among its "non-trainable params"; PyTorch and this summary do not.
    /// </summary>
    public long BufferValues { get; }

    /// <summary>Summarises <paramref name="model"/> by running one zero sample of its input shape through it.</summary>
    public static ModelSummary Of(Autoencoder model)
    {
        ArgumentNullException.ThrowIfNull(model);
        bool wasTraining = model.training;
        using var scope = torch.NewDisposeScope();
        Device device = model.parameters().FirstOrDefault()?.device ?? torch.CPU;
        Tensor sample = torch.zeros([1, .. model.Config.InputShape], device: device);
        var rows = new List<ModelSummaryRow> { new("input", "Input", model.Config.InputShape, 0) };
        model.eval();
        try
        {
            using (torch.no_grad())
            {
                rows.AddRange(model switch
                {
                    ILayerSummarySource source => source.TraceLayers(sample),
                    DenseAutoencoder dense => DescribeDense(dense),
                    _ => TraceWithHooks(model, sample),
                });
            }
        }
        finally
        {
            model.train(wasTraining);
        }

        long total = model.ParameterCount;
        long listed = rows.Sum(r => r.Parameters);
        if (listed < total)
        {
            rows.Add(new ModelSummaryRow("(other)", "parameters outside the traced layers", [], total - listed));
        }

        long buffers = model.buffers().Sum(b => b.numel());
        return new ModelSummary(model.GetName(), rows, total, model.TrainableParameterCount, buffers);
    }

    /// <summary>The table, laid out like Keras's model.summary() (shapes channels-first, batch as None).</summary>
    public string Format()
    {
        var culture = CultureInfo.InvariantCulture;
        string[] layers = Rows.Select(r => $"{r.Name} ({r.Type})").ToArray();
        string[] shapes = Rows.Select(r => r.ShapeText).ToArray();
        int layerWidth = Math.Max(28, layers.Max(l => l.Length) + 2);
        int shapeWidth = Math.Max(26, shapes.Max(s => s.Length) + 2);
        int width = layerWidth + shapeWidth + 12;
        var text = new StringBuilder();
        text.Append(culture, $"Model: \"{ModelName}\"\n");
        text.Append('_', width).Append('\n');
        text.Append(' ').Append("Layer (type)".PadRight(layerWidth)).Append("Output Shape".PadRight(shapeWidth)).Append("Param #\n");
        text.Append('=', width).Append('\n');
        for (int i = 0; i < Rows.Count; i++)
        {
            text.Append(' ').Append(layers[i].PadRight(layerWidth)).Append(shapes[i].PadRight(shapeWidth))
                .Append(Rows[i].Parameters.ToString("N0", culture)).Append('\n');
        }

        text.Append('=', width).Append('\n');
        text.Append(culture, $"Total params: {TotalParameters:N0}\n");
        text.Append(culture, $"Trainable params: {TrainableParameters:N0}\n");
        text.Append(culture, $"Non-trainable params: {NonTrainableParameters:N0}\n");
        if (BufferValues > 0)
        {
            text.Append(culture, $"Buffer values (running statistics, not parameters): {BufferValues:N0}\n");
        }

        text.Append('_', width).Append('\n');
        return text.ToString();
    }

    /// <inheritdoc />
    public override string ToString() => Format();

    private static List<ModelSummaryRow> DescribeDense(DenseAutoencoder model)
    {
        var config = (DenseAutoencoderConfig)model.Config;
        Dictionary<string, long> sizes = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.numel());
        long Owned(string prefix) => sizes.Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal)).Sum(p => p.Value);
        static string Type(string layer, Activation activation) =>
            activation == Activation.Linear ? layer : $"{layer}+{ActivationFunction.Name(activation)}";

        var rows = new List<ModelSummaryRow>();
        IReadOnlyList<int> encoder = config.Layers;
        IReadOnlyList<int> decoder = config.EffectiveDecoderLayers;
        int depth = encoder.Count - 1;
        for (int i = 0; i < depth; i++)
        {
            bool normalised = config.BatchNorm && i < depth - 1;
            rows.Add(new ModelSummaryRow($"encoder.{i}", Type("Linear", normalised ? Activation.Linear : config.EncoderActivation(i)), [encoder[i + 1]], Owned($"encoder.{i}.")));
            if (normalised)
            {
                rows.Add(new ModelSummaryRow($"encoder_norm.{i}", Type("BatchNorm1d", config.EncoderActivation(i)), [encoder[i + 1]], Owned($"encoder_norm.{i}.")));
            }
        }

        for (int i = 0; i < decoder.Count - 1; i++)
        {
            bool normalised = config.BatchNorm && i < decoder.Count - 2;
            Activation activation = normalised ? Activation.Linear : config.DecoderActivation(i);
            rows.Add(config.TiedWeights
                ? new ModelSummaryRow($"decoder.{i}", Type($"Linear(tied to encoder.{depth - 1 - i})", activation), [decoder[i + 1]], Owned($"decoder_bias.{i}"))
                : new ModelSummaryRow($"decoder.{i}", Type("Linear", activation), [decoder[i + 1]], Owned($"decoder.{i}.")));
            if (normalised)
            {
                rows.Add(new ModelSummaryRow($"decoder_norm.{i}", Type("BatchNorm1d", config.DecoderActivation(i)), [decoder[i + 1]], Owned($"decoder_norm.{i}.")));
            }
        }

        return rows;
    }

    private static List<ModelSummaryRow> TraceWithHooks(Autoencoder model, Tensor sample)
    {
        var rows = new List<ModelSummaryRow>();
        var counted = new HashSet<IntPtr>();
        var removers = new List<Action>();
        foreach ((string name, nn.Module module) in model.named_modules())
        {
            if (module.children().Any() || module is not nn.Module<Tensor, Tensor> leaf)
            {
                continue;
            }

            string moduleName = name;
            var remover = leaf.register_forward_hook((m, input, output) =>
            {
                long owned = 0;
                foreach (TorchSharp.Modules.Parameter p in m.parameters())
                {
                    if (counted.Add(p.Handle))
                    {
                        owned += p.numel();
                    }
                }

                rows.Add(new ModelSummaryRow(moduleName, m.GetType().Name, output.shape[1..], owned));
                return output;
            });
            removers.Add(remover.remove);
        }

        try
        {
            model.forward(sample);
        }
        finally
        {
            foreach (Action remove in removers)
            {
                remove();
            }
        }

        if (rows.Count == 0)
        {
            // The model calls its layers' forward directly, which runs no hooks: list the layers that own
            // parameters in registration order, without shapes.
            foreach ((string name, nn.Module module) in model.named_modules())
            {
                long owned = module.children().Any() ? 0 : module.parameters().Sum(p => p.numel());
                if (owned > 0)
                {
                    rows.Add(new ModelSummaryRow(name, module.GetType().Name, [], owned));
                }
            }
        }

        return rows;
    }
}
