using System.Diagnostics;
using System.Globalization;
using AutoEncoders.Evaluation;
using AutoEncoders.Models.Classification;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using TensorDataset = AutoEncoders.Data.TensorDataset;

namespace AutoEncoders.Training;

/// <summary>
/// Trains an <see cref="EncoderClassifier"/> with cross-entropy on labelled data (the supervised fine-tuning of a
/// pretrained stack, or the from-scratch baseline of the same architecture), recording loss and accuracy per epoch.
/// </summary>
public sealed class ClassifierTrainer
{
    /// <summary>Prepares training of <paramref name="model"/>; frozen layers are frozen here.</summary>
    public ClassifierTrainer(EncoderClassifier model, ClassifierTrainerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        Options = options ?? new ClassifierTrainerOptions();
        Options.Validate();
        Model.FreezeLowerLayers(Options.FreezeLayers);
    }

    /// <summary>The classifier.</summary>
    public EncoderClassifier Model { get; }

    /// <summary>Settings.</summary>
    public ClassifierTrainerOptions Options { get; }

    /// <summary>
    /// Trains for <see cref="ClassifierTrainerOptions.Epochs"/> epochs on <paramref name="train"/> (labels
    /// required). With <paramref name="monitor"/>, its loss and accuracy are recorded after every epoch as the
    /// history's validation values (only recorded, never used to choose anything).
    /// </summary>
    public TrainingHistory Fit(TensorDataset train, TensorDataset? monitor = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        Tensor labels = train.Labels ?? throw new ArgumentException($"The data '{train.Name}' has no labels; a classifier needs them.");
        CheckShape(train);
        Parameter[] trainable = Model.parameters().Where(p => p.requires_grad).ToArray();
        using optim.Optimizer optimizer = Options.Optimizer.Create(trainable);
        using var shuffle = new Generator((ulong)Options.Seed);
        torch.manual_seed(Options.Seed);
        var history = new TrainingHistory { Metrics = ["loss", "accuracy"] };
        for (int epoch = 1; epoch <= Options.Epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            Model.train();
            double lossSum = 0;
            long correct = 0;
            foreach (Data.Batch batch in train.Batches(Options.BatchSize, shuffle: true, generator: shuffle))
            {
                using var scope = torch.NewDisposeScope();
                optimizer.zero_grad();
                Tensor logits = Model.forward(batch.Features);
                Tensor loss = nn.functional.cross_entropy(logits, batch.Labels!);
                loss.backward();
                optimizer.step();
                using Tensor stats = torch.stack([loss.detach().to_type(ScalarType.Float64) * batch.Size, logits.argmax(1).eq(batch.Labels!).sum().to_type(ScalarType.Float64)]);
                double[] host = stats.data<double>().ToArray();
                if (!double.IsFinite(host[0]))
                {
                    throw new NonFiniteLossException(epoch, 0, batch.Index + 1, "cross_entropy", host[0]);
                }

                lossSum += host[0];
                correct += (long)host[1];
            }

            var record = new EpochRecord
            {
                Epoch = epoch,
                Train = new Dictionary<string, double> { ["loss"] = lossSum / train.Count, ["accuracy"] = (double)correct / train.Count },
                Validation = monitor is null ? null : Evaluate(monitor).Metrics,
                LearningRate = Options.Optimizer.LearningRate,
                Seconds = clock.Elapsed.TotalSeconds,
                SamplesPerSecond = train.Count / Math.Max(clock.Elapsed.TotalSeconds, 1e-9),
            };
            history.Epochs.Add(record);
            Options.Log?.Invoke(string.Create(
                CultureInfo.InvariantCulture,
                $"epoch {epoch}/{Options.Epochs}: loss {record.Train["loss"]:F4} accuracy {record.Train["accuracy"]:F4}{(record.Validation is null ? string.Empty : $"  test loss {record.Validation["loss"]:F4} accuracy {record.Validation["accuracy"]:F4}")}"));
        }

        Model.eval();
        return history;
    }

    /// <summary>Mean cross-entropy, accuracy and the confusion matrix on <paramref name="data"/> (evaluation mode).</summary>
    public (IReadOnlyDictionary<string, double> Metrics, ConfusionMatrix Confusion) Evaluate(TensorDataset data) => Evaluate(Model, data);

    /// <summary>Mean cross-entropy, accuracy and the confusion matrix of <paramref name="model"/> on <paramref name="data"/>.</summary>
    public static (IReadOnlyDictionary<string, double> Metrics, ConfusionMatrix Confusion) Evaluate(EncoderClassifier model, TensorDataset data)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Labels is null)
        {
            throw new ArgumentException($"The data '{data.Name}' has no labels; accuracy needs them.");
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

    private void CheckShape(TensorDataset data)
    {
        if (data.SampleSize != Model.Config.Layers[0])
        {
            throw new ArgumentException($"The data '{data.Name}' has {data.SampleSize} values per sample but the classifier expects {Model.Config.Layers[0]}.");
        }
    }
}
