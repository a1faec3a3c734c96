using System.Globalization;
using AutoEncoders.Evaluation;
using AutoEncoders.Models.Classification;
using AutoEncoders.Training.Callbacks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using TensorDataset = AutoEncoders.Data.TensorDataset;

namespace AutoEncoders.Training;

/// <summary>
/// Trains an <see cref="EncoderClassifier"/> with cross-entropy on labelled data (the supervised fine-tuning of a
/// pretrained stack, or the from-scratch baseline of the same architecture) on the one <see cref="Training.Trainer"/>
/// loop with the <see cref="ClassificationStep"/>, recording loss and accuracy per epoch.
/// </summary>
public sealed class ClassifierTrainer : IDisposable
{
    /// <summary>Prepares training of <paramref name="model"/>; frozen layers are frozen here.</summary>
    public ClassifierTrainer(EncoderClassifier model, ClassifierTrainerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        Options = options ?? new ClassifierTrainerOptions();
        Options.Validate();
        Model.FreezeLowerLayers(Options.FreezeLayers);
        Trainer = new Trainer(new ClassificationStep(model), Options.TrainerOptions());
        if (Options.Log is Action<string> log)
        {
            Trainer.Callbacks.Add(new EpochLog(log, Line));
        }
    }

    /// <summary>The classifier.</summary>
    public EncoderClassifier Model { get; }

    /// <summary>Settings.</summary>
    public ClassifierTrainerOptions Options { get; }

    /// <summary>The training loop (add callbacks, set a checkpoint path).</summary>
    public Trainer Trainer { get; }

    /// <summary>
    /// Trains for <see cref="ClassifierTrainerOptions.Epochs"/> epochs on <paramref name="train"/> (labels
    /// required), with the trainer's schedule, early stopping, NaN guard, checkpoints and exact resume. With
    /// <paramref name="monitor"/>, its loss and accuracy are recorded after every epoch as the history's validation
    /// values (and watched by early stopping and plateau schedules when the options ask for them).
    /// </summary>
    public TrainingHistory Fit(TensorDataset train, TensorDataset? monitor = null, string? resumeFrom = null, CancellationToken cancellationToken = default)
    {
        TrainingHistory history = Trainer.Fit(train, monitor, resumeFrom, cancellationToken);
        Model.eval();
        return history;
    }

    /// <summary>Releases the trainer's optimiser and generators.</summary>
    public void Dispose() => Trainer.Dispose();

    /// <summary>Mean cross-entropy, accuracy and the confusion matrix on <paramref name="data"/> (evaluation mode).</summary>
    public (IReadOnlyDictionary<string, double> Metrics, ConfusionMatrix Confusion) Evaluate(TensorDataset data) => Evaluate(Model, data);

    /// <summary>Mean cross-entropy, accuracy and the confusion matrix of <paramref name="model"/> on <paramref name="data"/>.</summary>
    public static (IReadOnlyDictionary<string, double> Metrics, ConfusionMatrix Confusion) Evaluate(EncoderClassifier model, TensorDataset data)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Labels is null)
        {
            throw data.Refusal("labels", "expected a label per sample, as accuracy needs; found none.");
        }

        bool wasTraining = model.training;
        model.eval();
        var confusion = new ConfusionMatrix(model.Config.Classes);
        double lossSum = 0;
        try
        {
            using var noGrad = torch.no_grad();
            foreach (Data.Batch batch in data.Batches(1024))
            {
                using var scope = torch.NewDisposeScope();
                Tensor logits = model.forward(batch.Features);
                lossSum += nn.functional.cross_entropy(logits, batch.Labels!, reduction: nn.Reduction.Sum).item<float>();
                confusion.Add(batch.Labels!, logits.argmax(1));
            }
        }
        finally
        {
            model.train(wasTraining);
        }

        return (new Dictionary<string, double> { ["loss"] = lossSum / data.Count, ["accuracy"] = confusion.Accuracy, ["error"] = confusion.Error }, confusion);
    }

    private static string Line(EpochRecord record, int epochs) => string.Create(
        CultureInfo.InvariantCulture,
        $"epoch {record.Epoch}/{epochs}: loss {record.Train["loss"]:F4} accuracy {record.Train["accuracy"]:F4}{(record.Validation is null ? string.Empty : $"  validation loss {record.Validation["loss"]:F4} accuracy {record.Validation["accuracy"]:F4}")}");
}
