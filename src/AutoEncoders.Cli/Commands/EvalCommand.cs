using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using AutoEncoders.Data;
using AutoEncoders.Evaluation;
using AutoEncoders.Models.Adversarial;
using AutoEncoders.Models.Variational;
using AutoEncoders.Persistence;
using AutoEncoders.Training;
using TorchSharp;

namespace AutoEncoders.Cli.Commands;

/// <summary>`ae eval`: reconstruction error per sample and per value, BCE, PSNR and the objective's terms on a dataset.</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print the metrics as a JSON object." };
        var iwaeSamples = new Option<int>("--iwae-samples") { Description = "Variational models: importance samples k for the IWAE bound on log p(x) (e.g. 1000); 0 skips it.", DefaultValueFactory = _ => 0 };
        var iwaeLimit = new Option<long?>("--iwae-limit") { Description = "Variational models: compute the IWAE bound on the first N examples only (it costs k decodes per example)." };
        var elboSamples = new Option<int>("--elbo-samples") { Description = "Variational models: draws of z per example for the ELBO's expected log-likelihood.", DefaultValueFactory = _ => 1 };
        return ModelOnDataCommand.Create(
            "eval",
            "Evaluate a trained model: squared error per sample, MSE/BCE per value, PSNR and the objective's terms; for variational models also the test ELBO, the IWAE bound (--iwae-samples K), the KL term and the active units, in nats per example.",
            [json, iwaeSamples, iwaeLimit, elboSamples],
            run =>
            {
                ParseResult parse = run.Parse;
                TrainedAutoencoder trained = run.Model;
                TensorDataset test = run.Data;
                TrainerOptions options = (trained.Manifest.Training ?? new TrainerOptions()) with { Progress = ProgressMode.Silent };
                using Trainer trainer = trained.Model is AdversarialAutoencoder adversarial
                    ? new AdversarialTrainer(adversarial, trained.Manifest.Objective, options)
                    : new Trainer(trained.Model, trained.Manifest.Objective, options);
                var metrics = TrainCommand.TestMetrics(trainer, trained, test).ToDictionary(p => p.Key, p => p.Value);
                if (trained.Model is VariationalModel vae)
                {
                    int k = parse.GetValue(iwaeSamples);
                    int draws = parse.GetValue(elboSamples);
                    if (k < 0 || draws < 1)
                    {
                        throw new ArgumentException($"--iwae-samples must be 0 or more and --elbo-samples 1 or more; found {k} and {draws}.");
                    }

                    VariationalMetrics variational = VariationalEvaluation.Evaluate(vae, test, k, parse.GetValue(iwaeLimit), seed: parse.GetValue(run.Common.Seed) ?? 0, elboSamples: draws);
                    foreach ((string key, double value) in variational.ToDictionary())
                    {
                        metrics[key] = value;
                    }
                }
                else if (parse.GetValue(iwaeSamples) > 0)
                {
                    throw new ArgumentException($"--iwae-samples needs a variational model (kind \"vae\" or \"conv_vae\"); {run.Directory} holds a {trained.Manifest.Model.GetType().Name.Replace("Config", string.Empty, StringComparison.Ordinal)}.");
                }

                if (parse.GetValue(json))
                {
                    run.Output.WriteLine(JsonSerializer.Serialize(metrics, JsonDefaults.Options));
                    return 0;
                }

                run.Output.WriteLine($"{test.Name}: {test.Count} samples{(test.Note is null ? string.Empty : $" ({test.Note})")}");
                foreach ((string key, double value) in metrics)
                {
                    run.Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {key,-26} {value,12:G6}"));
                }

                return 0;
            });
    }
}
