using System.Text.Json.Serialization;
using AutoEncoders.Models.Convolutional;
using AutoEncoders.Objectives;

namespace AutoEncoders.Training.Pretraining;

/// <summary>Settings of a greedy layer-wise pretraining run.</summary>
public sealed record LayerwisePretrainingOptions
{
    /// <summary>Sizes from the input to the code, e.g. [784, 500, 250, 100]: one pretrained layer per step (ignored when <see cref="Convolutional"/> is set).</summary>
    public IReadOnlyList<int> Layers { get; init; } = [784, 500, 250, 100];

    /// <summary>
    /// A stacked convolutional autoencoder to pretrain stage by stage instead of the dense <see cref="Layers"/>
    /// (see <see cref="ConvolutionalLayerwisePretrainer"/>); null for a dense stack. The activations of
    /// <see cref="LayerSettings"/> do not apply: they are part of the stages' layer specs.
    /// </summary>
    public ConvolutionalStackSpec? Convolutional { get; init; }

    /// <summary>Number of pretrained stages: convolutional stages, or dense encoder layers.</summary>
    [JsonIgnore]
    public int Depth => Convolutional?.Depth ?? (Layers?.Count ?? 1) - 1;

    /// <summary>One entry per encoder layer (per stage of a convolutional stack), or a single entry used for all of them.</summary>
    public IReadOnlyList<PretrainingLayer> LayerSettings { get; init; } = [new PretrainingLayer()];

    /// <summary>Separate shallow autoencoders, or one deep stack with the outer layers frozen.</summary>
    public PretrainingMode Mode { get; init; } = PretrainingMode.SeparateAutoencoders;

    /// <summary>End-to-end fine-tuning of the assembled autoencoder afterwards, or null for none.</summary>
    public TrainerOptions? FineTune { get; init; }

    /// <summary>What the end-to-end fine-tuning minimises; null uses the first layer's reconstruction term without corruption.</summary>
    public Objective? FineTuneObjective { get; init; }

    /// <summary>
    /// Callbacks for each stage's trainer and the fine-tuning's, given a label such as "layer 2/3" or "fine-tune"
    /// (progress, a TensorBoard writer per stage); null adds none.
    /// </summary>
    [JsonIgnore]
    public Func<string, IEnumerable<ITrainingCallback>>? Callbacks { get; init; }

    /// <summary>Receives one line per finished layer and epoch; null is silent.</summary>
    [JsonIgnore]
    public Action<string>? Log { get; init; }

    /// <summary>Settings of encoder layer <paramref name="i"/>.</summary>
    public PretrainingLayer Layer(int i) => LayerSettings.Count == 1 ? LayerSettings[0] : LayerSettings[i];

    /// <summary>Checks the settings, throwing <see cref="ArgumentException"/> naming the field.</summary>
    public void Validate()
    {
        if (Convolutional is not null)
        {
            Convolutional.Validate();
            if (Mode == PretrainingMode.FrozenStack)
            {
                Convolutional.CheckFrozenStack();
            }
        }
        else if (Layers is null || Layers.Count < 2 || Layers.Any(s => s < 1))
        {
            throw new ArgumentException($"pretraining layers need an input size and at least one positive hidden size, e.g. [784, 500, 250, 100]; found [{string.Join(", ", Layers ?? [])}].");
        }

        int depth = Depth;
        string unit = Convolutional is null ? "encoder layer" : "convolutional stage";
        if (LayerSettings is null || (LayerSettings.Count != 1 && LayerSettings.Count != depth))
        {
            throw new ArgumentException($"pretraining layerSettings needs one entry per {unit} ({depth}) or a single entry for all; found {LayerSettings?.Count ?? 0}.");
        }

        foreach (PretrainingLayer layer in LayerSettings)
        {
            layer.Training.Validate();
            layer.Objective.Validate();
        }

        FineTune?.Validate();
        FineTuneObjective?.Validate();
    }
}
