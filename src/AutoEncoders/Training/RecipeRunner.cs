using System.Globalization;
using AutoEncoders.Data;
using AutoEncoders.Data.Streaming;
using AutoEncoders.Evaluation;
using AutoEncoders.Models;
using AutoEncoders.Persistence;
using TorchSharp;
using TensorDataset = AutoEncoders.Data.TensorDataset;

namespace AutoEncoders.Training;

/// <summary>
/// Runs a <see cref="Recipe"/> end to end into a run directory, whatever the model kind: builds the model, trains it on
/// the one <see cref="Trainer"/> loop with the kind's own step (checkpoints in the run directory, exact resume),
/// saves the trained model, and evaluates it on the test data with the kind's own metrics and the PCA baseline at
/// the same code size. `ae train` parses its options, loads the data and prints; this does the rest.
/// </summary>
public sealed class RecipeRunner(Recipe recipe, RunDirectory run)
{
    /// <summary>The recipe.</summary>
    public Recipe Recipe { get; } = recipe ?? throw new ArgumentNullException(nameof(recipe));

    /// <summary>Where the model, checkpoint, history and metrics go.</summary>
    public RunDirectory Run { get; } = run ?? throw new ArgumentNullException(nameof(run));

    /// <summary>Callbacks added to the trainer (console progress, a TensorBoard writer), after those of the recipe's options.</summary>
    public IList<ITrainingCallback> Callbacks { get; } = [];

    /// <summary>Receives one line per stage (model, objective, evaluation); null is silent.</summary>
    public Action<string>? Log { get; init; }

    /// <summary>
    /// Trains on <paramref name="train"/> (from the run's checkpoint when <paramref name="resume"/>), saves the model
    /// and, when <paramref name="loadTest"/> gives test data, evaluates and saves metrics.json. A cancelled run leaves
    /// its checkpoint and returns an interrupted history without saving a model.
    /// </summary>
    public RecipeRunResult Execute(IBatchSource train, Func<TensorDataset?> loadTest, bool resume = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(loadTest);
        using Autoencoder model = Recipe.Model.Build();
        Log?.Invoke($"model    {Recipe.Model.GetType().Name.Replace("Config", string.Empty, StringComparison.Ordinal)}, {model.ParameterCount:N0} parameters");
        Log?.Invoke($"objective {string.Join(" + ", Recipe.Objective.TermNames)}{(Recipe.Objective.Corruption is null ? string.Empty : $" on {Recipe.Objective.Corruption.GetType().Name} inputs")}");
        TrainingHistory history;
        using (var trainer = new Trainer(model, Recipe.Objective, Recipe.Training with { Progress = ProgressMode.Silent }) { CheckpointPath = Run.CheckpointPath })
        {
            trainer.TrainingStep.CheckRunData(train);
            foreach (ITrainingCallback callback in Callbacks)
            {
                trainer.Callbacks.Add(callback);
            }

            history = trainer.Fit(train, resumeFrom: resume ? Run.CheckpointPath : null, cancellationToken: cancellationToken);
        }

        if (history.Interrupted)
        {
            return new RecipeRunResult { History = history };
        }

        var trained = new TrainedAutoencoder(model, new ModelManifest
        {
            Model = Recipe.Model,
            Objective = Recipe.Objective,
            Training = Recipe.Training,
            Data = train is TensorDataset inMemory ? DataFingerprint.Of(inMemory) : DataFingerprint.OfStream(train),
            ClassNames = train is TensorDataset { ClassNames.Count: > 0 } named ? named.ClassNames : null,
        }, history);
        trained.Save(Run.Path);

        using TensorDataset? test = loadTest();
        if (test is null)
        {
            return new RecipeRunResult { History = history };
        }

        Log?.Invoke($"evaluate {test.Name}: {test.Count} samples");
        Dictionary<string, double> metrics = ModelEvaluation.Evaluate(trained, test);
        if (train is TensorDataset fitted && Recipe.Model.CodeShape.Length == 1 && Recipe.Model.CodeShape[0] < train.SampleSize)
        {
            // The linear baseline at the same code size: PCA fitted on the same training data (in memory only).
            int k = (int)Recipe.Model.CodeShape[0];
            using var pca = PrincipalComponentAnalysis.Fit(fitted.Features, k);
            using var scope = torch.NewDisposeScope();
            metrics[string.Create(CultureInfo.InvariantCulture, $"pca{k}_squared_error_per_sample")] = ReconstructionMetrics.Compute(test.Features, pca.Reconstruct(test.Features)).SquaredErrorPerSample;
        }

        Run.SaveMetrics(metrics);
        return new RecipeRunResult { History = history, TestMetrics = metrics };
    }
}
