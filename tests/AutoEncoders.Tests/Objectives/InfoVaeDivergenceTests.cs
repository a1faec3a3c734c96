using System.Text.Json;
using AutoEncoders.Evaluation;
using AutoEncoders.Models;
using AutoEncoders.Models.Variational;
using AutoEncoders.Objectives;
using AutoEncoders.Persistence;
using AutoEncoders.Runtime;
using AutoEncoders.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Tests.Objectives;

public sealed class InfoVaeDivergenceTests(MnistFixture mnist) : IClassFixture<MnistFixture>
{
    private static readonly VariationalAutoencoderConfig Config = new() { Layers = [784, 128, 8] };

    [Fact]
    public void At_alpha_0_and_lambda_1_training_is_exactly_the_vaes()
    {
        var elbo = new Objective { Reconstruction = new NegativeLogLikelihood(), Penalties = [new KlDivergence()] };
        var info = new Objective { Reconstruction = new NegativeLogLikelihood(), Penalties = [new InfoVaeDivergence { Alpha = 0, Lambda = 1 }] };
        (Dictionary<string, Tensor> a, IReadOnlyList<double> lossA) = Train(elbo, epochs: 2);
        (Dictionary<string, Tensor> b, IReadOnlyList<double> lossB) = Train(info, epochs: 2);

        Assert.Equal(lossA, lossB);
        foreach ((string key, Tensor value) in a)
        {
            Assert.True(value.equal(b[key]).all().item<bool>(), $"{key} differs");
        }
    }

    [Fact]
    public void The_term_is_the_weighted_sum_of_the_kl_and_the_mmd_and_bad_settings_are_refused_by_name()
    {
        TorchRuntime.SetSeed(8);
        using var scope = torch.NewDisposeScope();
        using Autoencoder model = Config.Build();
        model.train();
        Tensor x = mnist.First(64).Features;
        var context = new LossContext { Model = model, Target = x, Input = x, Output = model.call(x), Training = true };
        double kl = new KlDivergence().Compute(context).item<float>();
        torch.manual_seed(9);
        double mmd = new MmdPenalty().Compute(context).item<float>();
        torch.manual_seed(9);
        double info = new InfoVaeDivergence { Alpha = 0.25, Lambda = 10 }.Compute(context).item<float>();
        Assert.Equal((0.75 * kl) + (9.25 * mmd), info, 1e-4 * Math.Abs(info));

        Assert.Contains("alpha", Refusal("""{ "kind": "info_vae", "alpha": 1.5 }"""), StringComparison.Ordinal);
        Assert.Contains("lambda", Refusal("""{ "kind": "info_vae", "lambda": -1 }"""), StringComparison.Ordinal);
        Assert.Contains("lambda", Refusal("""{ "kind": "info_vae", "alpha": 0, "lambda": 0.5 }"""), StringComparison.Ordinal);
        Assert.Contains("scales", Refusal("""{ "kind": "info_vae", "scales": [-1] }"""), StringComparison.Ordinal);
        new Objective { Penalties = [new InfoVaeDivergence { Alpha = 1, Lambda = 1000 }] }.Validate();
    }

    [Fact]
    public void An_info_vae_trains_on_mnist_without_collapse_and_its_codes_match_the_prior_better_than_the_vaes()
    {
        var elbo = new Objective { Reconstruction = new NegativeLogLikelihood(), Penalties = [new KlDivergence()] };
        var info = new Objective { Reconstruction = new NegativeLogLikelihood(), Penalties = [new InfoVaeDivergence { Alpha = 0, Lambda = 10 }] };
        (IReadOnlyList<double> vaeLoss, double vaeMmd, _) = TrainAndMatch(elbo);
        (IReadOnlyList<double> infoLoss, double infoMmd, int active) = TrainAndMatch(info);

        Assert.True(infoLoss[^1] < 0.8 * infoLoss[0], $"the InfoVAE loss went from {infoLoss[0]:F1} to {infoLoss[^1]:F1}");
        Assert.True(active >= 4, $"the InfoVAE's posterior should not collapse onto the prior: {active} of 8 units active");
        Assert.True(infoMmd < vaeMmd, $"aggregate posterior against the prior: InfoVAE MMD^2 {infoMmd:G3}, VAE {vaeMmd:G3} (VAE loss {vaeLoss[^1]:F1})");
    }

    private static string Refusal(string term) =>
        Assert.Throws<ArgumentException>(() => new Objective { Penalties = [JsonSerializer.Deserialize<LossTerm>(term, JsonDefaults.Options)!] }.Validate()).Message;

    private (Dictionary<string, Tensor> Weights, IReadOnlyList<double> Loss) Train(Objective objective, int epochs)
    {
        TorchRuntime.SetSeed(4);
        using Autoencoder model = Config.Build();
        using var trainer = new Trainer(model, objective, new TrainerOptions { Epochs = epochs, BatchSize = 100, Seed = 4, Progress = ProgressMode.Silent });
        IReadOnlyList<double> loss = trainer.Fit(mnist.First(500)).Series("loss");
        return (model.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().clone()), loss);
    }

    private (IReadOnlyList<double> Loss, double Mmd, int ActiveUnits) TrainAndMatch(Objective objective)
    {
        TorchRuntime.SetSeed(4);
        using Autoencoder model = Config.Build();
        IReadOnlyList<double> loss;
        using (var trainer = new Trainer(model, objective, new TrainerOptions { Epochs = 4, BatchSize = 100, Seed = 4, Progress = ProgressMode.Silent }))
        {
            loss = trainer.Fit(mnist.First(3000)).Series("loss");
        }

        // The aggregate posterior: one z ~ q(z|x) per held-out digit, against prior draws, with one fixed kernel.
        using var scope = torch.NewDisposeScope();
        using var held = mnist.Test.Slice(9000, 1000);
        model.eval();
        Tensor z;
        using (torch.no_grad())
        {
            z = model.call(held.Features).Code;
        }

        torch.manual_seed(10);
        double mmd = MmdEstimator.Unbiased(z.to(ScalarType.Float64), torch.randn(1000, 8, dtype: ScalarType.Float64), MmdKernel.InverseMultiquadratic, [16.0]).item<double>();
        int active = VariationalEvaluation.ActiveUnits(((VariationalModel)model).Posterior(held.Features).Mean.detach());
        return (loss, mmd, active);
    }
}
