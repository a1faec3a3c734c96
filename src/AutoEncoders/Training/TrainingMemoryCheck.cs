using System.Globalization;
using AutoEncoders.Models;
using AutoEncoders.Models.Adversarial;
using AutoEncoders.Models.Dense;
using AutoEncoders.Models.Sequence;
using AutoEncoders.Models.Variational;

namespace AutoEncoders.Training;

/// <summary>
/// Checks, before a model is built, that training it fits in memory: libtorch's own failure for a layer of a billion
/// units is a C++ backtrace, and a model just under the limit would push the machine into swap. The estimate counts
/// float32 weights, their gradients and the optimiser's per-weight state (Adam: two moments), plus the activations of
/// one batch kept for the backward pass. Dense, variational, adversarial and sequence models are estimated from their
/// layer sizes; convolutional models (whose weights are small next to their activations) are not estimated here.
/// </summary>
public static class TrainingMemoryCheck
{
    private const double BytesPerValue = sizeof(float);

    /// <summary>
    /// Throws <see cref="ArgumentException"/> (message starting with <paramref name="where"/>) when the estimate of
    /// <see cref="EstimateBytes"/> exceeds <paramref name="availableBytes"/> (default: <see cref="AvailableBytes"/>).
    /// </summary>
    public static void Require(ModelConfig model, TrainerOptions training, string where, long? availableBytes = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(training);
        if (ParameterCount(model) is not double parameters || EstimateBytes(model, training) is not double needed)
        {
            return;
        }

        long available = availableBytes ?? AvailableBytes();
        if (needed > available)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{where}: training this model needs about {Size(needed)} ({parameters:G3} parameters with their gradients and {training.Optimizer.Kind} state, 4 bytes each, plus a batch of {training.BatchSize}) but {Size(available)} of memory is available; make the layers smaller."));
        }
    }

    /// <summary>Bytes needed to train <paramref name="model"/> with <paramref name="training"/>, or null when the kind is not estimated.</summary>
    public static double? EstimateBytes(ModelConfig model, TrainerOptions training)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(training);
        if (ParameterCount(model) is not double parameters || Widths(model) is not double widths)
        {
            return null;
        }

        // Weights and gradients, the optimiser's state per weight, and each layer's output and its gradient.
        return (parameters * (2 + OptimizerCopies(training.Optimizer)) + (2.0 * training.BatchSize * widths)) * BytesPerValue;
    }

    /// <summary>
    /// Memory this process can still use: the system's available memory (Linux /proc/meminfo MemAvailable) or the
    /// runtime's limit (a container's, or the physical memory), whichever is smaller.
    /// </summary>
    public static long AvailableBytes()
    {
        long limit = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        try
        {
            foreach (string line in File.ReadLines("/proc/meminfo"))
            {
                if (line.StartsWith("MemAvailable:", StringComparison.Ordinal)
                    && long.TryParse(line["MemAvailable:".Length..].Trim().Split(' ')[0], NumberStyles.None, CultureInfo.InvariantCulture, out long kilobytes))
                {
                    return Math.Min(limit, kilobytes * 1024);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not Linux, or /proc is hidden: the runtime's figure stands.
        }

        return limit;
    }

    private static double OptimizerCopies(OptimizerOptions optimizer) => optimizer.Kind switch
    {
        OptimizerKind.Adam or OptimizerKind.AdamW => 2,
        OptimizerKind.Sgd => optimizer.Momentum > 0 ? 1 : 0,
        _ => optimizer.Momentum > 0 ? 2 : 1,
    };

    private static double? ParameterCount(ModelConfig model) => model switch
    {
        DenseAutoencoderConfig dense => Dense(dense.Layers) + (dense.TiedWeights ? dense.Layers.Sum(s => (double)s) : Dense(dense.EffectiveDecoderLayers)),
        VariationalAutoencoderConfig vae => Dense(vae.Layers) + Dense(vae.Layers.TakeLast(2).ToArray()) + Dense(vae.EffectiveDecoderLayers) + vae.Layers[0],
        AdversarialAutoencoderConfig adversarial => Dense(adversarial.Layers) + Dense(adversarial.EffectiveDecoderLayers)
            + Dense([adversarial.Layers[^1], .. adversarial.DiscriminatorLayers, 1]),
        SequenceAutoencoderConfig sequence => Recurrent(sequence.Features, sequence.HiddenSize, sequence.Layers, sequence.Bidirectional ? 2 : 1, sequence.Cell)
            + Recurrent(sequence.Features + sequence.EncoderStateSize, sequence.EffectiveDecoderHiddenSize, sequence.DecoderLayers ?? sequence.Layers, 1, sequence.Cell)
            + (2.0 * sequence.EncoderStateSize * ((double)sequence.CodeShape[0] + sequence.EffectiveDecoderHiddenSize)) + ((double)sequence.EffectiveDecoderHiddenSize * sequence.Features),
        _ => null,
    };

    private static double? Widths(ModelConfig model) => model switch
    {
        DenseAutoencoderConfig dense => dense.Layers.Sum(s => (double)s) + dense.EffectiveDecoderLayers.Sum(s => (double)s),
        VariationalAutoencoderConfig vae => vae.Layers.Sum(s => (double)s) + vae.Layers[^1] + vae.EffectiveDecoderLayers.Sum(s => (double)s),
        AdversarialAutoencoderConfig adversarial => (2.0 * adversarial.Layers.Sum(s => (double)s)) + adversarial.DiscriminatorLayers.Sum(s => (double)s),
        SequenceAutoencoderConfig sequence => (double)sequence.SequenceLength * ((4.0 * (sequence.EncoderStateSize + sequence.EffectiveDecoderHiddenSize)) + sequence.Features),
        _ => null,
    };

    // Weights and biases of fully connected layers of the given sizes.
    private static double Dense(IReadOnlyList<int> sizes) =>
        Enumerable.Range(0, Math.Max(0, sizes.Count - 1)).Sum(i => ((double)sizes[i] * sizes[i + 1]) + sizes[i + 1]);

    // Gate weights of stacked recurrent layers: four gates for an LSTM, three for a GRU.
    private static double Recurrent(int inputs, int hidden, int layers, int directions, RecurrentCell cell)
    {
        double gates = cell == RecurrentCell.Gru ? 3 : 4;
        double total = 0;
        double input = inputs;
        for (int i = 0; i < layers; i++)
        {
            total += directions * gates * hidden * (input + hidden + 2);
            input = (double)hidden * directions;
        }

        return total;
    }

    private static string Size(double bytes) =>
        bytes >= 1L << 30
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (1L << 30):N1} GiB")
            : string.Create(CultureInfo.InvariantCulture, $"{bytes / (1L << 20):N1} MiB");
}
