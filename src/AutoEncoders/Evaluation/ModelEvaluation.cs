using AutoEncoders.Persistence;
using AutoEncoders.Training;
using TorchSharp;
using TensorDataset = AutoEncoders.Data.TensorDataset;

namespace AutoEncoders.Evaluation;

/// <summary>
/// The test evaluation of a trained model of any kind: the objective's terms (through the model kind's training
/// step), the reconstruction metrics, and what the kind adds (<see cref="Models.Autoencoder.EvaluationMetrics"/>:
/// the VAE's ELBO, KL and active units, the adversarial autoencoder's prior match).
/// </summary>
public static class ModelEvaluation
{
    /// <summary>Every metric of <paramref name="trained"/> on <paramref name="test"/>, by name.</summary>
    public static Dictionary<string, double> Evaluate(TrainedAutoencoder trained, TensorDataset test, ModelEvaluationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(trained);
        ArgumentNullException.ThrowIfNull(test);
        TrainerOptions training = (trained.Manifest.Training ?? new TrainerOptions()) with { Progress = ProgressMode.Silent, Schedule = null, EarlyStopping = null };
        Dictionary<string, double> metrics;
        using (var trainer = new Trainer(trained.Model, trained.Manifest.Objective, training))
        {
            metrics = trainer.Evaluate(test).ToDictionary(p => p.Key, p => p.Value);
        }

        using (var scope = torch.NewDisposeScope())
        {
            foreach ((string key, double value) in ReconstructionMetrics.Compute(test.Features, trained.ReconstructAll(test)).ToDictionary())
            {
                metrics[key] = value;
            }
        }

        foreach ((string key, double value) in trained.Model.EvaluationMetrics(test, options ?? new ModelEvaluationOptions()))
        {
            metrics[key] = value;
        }

        return metrics;
    }
}
