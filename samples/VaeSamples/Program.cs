// Trains a 784-400-20 variational autoencoder on Fashion-MNIST and writes 64 new images, decoded from draws of the
// prior N(0, I), to vae-samples.png.
// Run: dotnet run -c Release [-- EPOCHS]   (data: Debian's dataset-fashion-mnist package, or AE_DATA_PATH)
using System.Globalization;
using AutoEncoders.Data;
using AutoEncoders.Models;
using AutoEncoders.Models.Variational;
using AutoEncoders.Objectives;
using AutoEncoders.Runtime;
using AutoEncoders.Training;
using AutoEncoders.Visualization;

int epochs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10;

TorchRuntime.Configure(new RuntimeOptions { Seed = 1 });
using TensorDataset train = DatasetCatalog.Default.Load("fashion-mnist", DatasetSplit.Train);
using TensorDataset test = DatasetCatalog.Default.Load("fashion-mnist", DatasetSplit.Test);

var config = new VariationalAutoencoderConfig { Layers = [784, 400, 20], Likelihood = ObservationLikelihood.Bernoulli };
var objective = new Objective
{
    Reconstruction = new NegativeLogLikelihood(),      // -log p(x|z), nats per image
    Penalties = [new KlDivergence { Weight = 1.0 }],   // KL(q(z|x) || N(0, I)): the ELBO's second term
};
using Autoencoder vae = config.Build();
using (var trainer = new Trainer(vae, objective, new TrainerOptions { Epochs = epochs, BatchSize = 100 }))
{
    trainer.Fit(train);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"test negative ELBO {trainer.Evaluate(test)["loss"]:F2} nats per image"));
}

using LatentDistribution prior = LatentDistribution.StandardNormal(config.LatentSize);
PictureFile png = GenerativeViews.SaveSamples(vae, prior, new ImageLayout(1, 28, 28), "vae-samples.png", count: 64, seed: 7);
Console.WriteLine($"wrote {png.Path} ({png.Width}x{png.Height}): {png.Description}");
