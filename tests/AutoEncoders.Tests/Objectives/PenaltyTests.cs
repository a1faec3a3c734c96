using AutoEncoders.Data;
using AutoEncoders.Models;
using AutoEncoders.Models.Dense;
using AutoEncoders.Objectives;
using AutoEncoders.Runtime;
using AutoEncoders.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Tests.Objectives;

public sealed class PenaltyTests(MnistFixture mnist) : IClassFixture<MnistFixture>
{
    private static LossContext Context(Autoencoder model, Tensor input, bool training = true)
    {
        AutoencoderOutput output = model.forward(input);
        return new LossContext { Model = model, Target = input, Input = input, Output = output, Training = training };
    }

    [Fact]
    public void Closed_form_and_double_backprop_contractive_penalties_agree_in_value_and_gradient()
    {
        TorchRuntime.SetSeed(5);
        using var model = (DenseAutoencoder)new DenseAutoencoderConfig { Layers = [784, 16], CodeActivation = Activation.Sigmoid }.Build();
        Tensor x = mnist.First(32).Features.detach().clone().requires_grad_(true);
        LossContext context = Context(model, x);

        Tensor closed = new ContractivePenalty { Method = JacobianMethod.ClosedForm }.Compute(context);
        Tensor exact = new ContractivePenalty { Method = JacobianMethod.Exact }.Compute(context);
        Assert.Equal(closed.item<float>(), exact.item<float>(), closed.item<float>() * 1e-4);

        Tensor weight = model.EncoderLayer(0).weight!;
        Tensor closedGrad = torch.autograd.grad([closed], [weight], retain_graph: true)[0];
        Tensor exactGrad = torch.autograd.grad([exact], [weight], retain_graph: true)[0];
        Assert.True(closedGrad.allclose(exactGrad, rtol: 1e-3, atol: 1e-7), "gradients of the two forms differ");
    }

    [Fact]
    public void Hutchinson_estimate_of_the_jacobian_norm_is_unbiased()
    {
        TorchRuntime.SetSeed(6);
        using var model = (DenseAutoencoder)new DenseAutoencoderConfig { Layers = [784, 64, 8], Activation = Activation.Tanh }.Build();
        Tensor x = mnist.First(16).Features.detach().clone().requires_grad_(true);
        LossContext context = Context(model, x);

        double exact = new ContractivePenalty { Method = JacobianMethod.Exact }.Compute(context).item<float>();
        double estimate = new ContractivePenalty { Method = JacobianMethod.Estimate, Projections = 400 }.Compute(context).item<float>();
        Assert.Equal(exact, estimate, exact * 0.1);
    }

    [Fact]
    public void Kl_sparsity_gradient_matches_the_textbook_formula()
    {
        // d/dz_ij of beta * sum_j KL(rho || rho_hat_j), rho_hat_j = mean_i h_ij, h = sigmoid(z):
        // beta * (-rho / rho_hat_j + (1 - rho) / (1 - rho_hat_j)) * f'(z_ij) / B   (Ng, CS294A notes, section 3).
        TorchRuntime.SetSeed(7);
        using var model = (DenseAutoencoder)new DenseAutoencoderConfig { Layers = [20, 6], CodeActivation = Activation.Sigmoid }.Build();
        using Tensor x = torch.rand(10, 20);
        LossContext context = Context(model, x);
        const double Rho = 0.05, Beta = 3.0;
        var penalty = new KlSparsityPenalty { Target = Rho, Weight = Beta };
        Tensor value = penalty.Compute(context) * Beta;

        HiddenActivation code = context.Output.CodeLayer!;
        Tensor gradient = torch.autograd.grad([value], [code.PreActivation!])[0];
        Tensor rhoHat = code.Output.mean([0]);
        Tensor expected = Beta * ((-Rho / rhoHat) + ((1 - Rho) / (1 - rhoHat))) * code.Output * (1 - code.Output) / 10;
        Assert.True(gradient.allclose(expected, rtol: 1e-4, atol: 1e-7));
    }

    [Fact]
    public void Running_mean_estimate_follows_its_recurrence_and_only_while_training()
    {
        TorchRuntime.SetSeed(8);
        using var model = (DenseAutoencoder)new DenseAutoencoderConfig { Layers = [20, 6], CodeActivation = Activation.Sigmoid }.Build();
        var penalty = new KlSparsityPenalty { Target = 0.1, RunningMean = 0.9 };
        using Tensor a = torch.rand(8, 20);
        using Tensor b = torch.rand(8, 20);

        LossContext first = Context(model, a);
        penalty.Compute(first);
        Tensor meanA = first.Output.CodeLayer!.Output.mean([0]).detach();
        LossContext second = Context(model, b);
        penalty.Compute(second);
        Tensor meanB = second.Output.CodeLayer!.Output.mean([0]).detach();
        Assert.True(penalty.RunningEstimate(-1)!.allclose((0.9 * meanA) + (0.1 * meanB), rtol: 1e-5, atol: 1e-7));

        Tensor before = penalty.RunningEstimate(-1)!.clone();
        penalty.Compute(Context(model, a, training: false));
        Assert.True(penalty.RunningEstimate(-1)!.equal(before).all().item<bool>(), "evaluation must not move the running estimate");
    }

    [Fact]
    public void Kl_sparsity_brings_the_mean_activation_near_its_target_while_an_unpenalised_model_stays_far()
    {
        TensorDataset data = mnist.First(2000);
        double Train(IReadOnlyList<LossTerm> penalties)
        {
            TorchRuntime.SetSeed(9);
            using var model = (DenseAutoencoder)new DenseAutoencoderConfig { Layers = [784, 64], CodeActivation = Activation.Sigmoid }.Build();
            var objective = new Objective { Reconstruction = new MeanSquaredError { Reduction = ReconstructionReduction.SumPerExample }, Penalties = penalties };
            using var trainer = new Trainer(model, objective, new TrainerOptions { Epochs = 20, BatchSize = 50, Seed = 9, Progress = ProgressMode.Silent, Optimizer = new OptimizerOptions { LearningRate = 5e-3 } });
            trainer.Fit(data);
            model.eval();
            using var noGrad = torch.no_grad();
            return model.Encode(data.Features).mean().item<float>();
        }

        double sparse = Train([new KlSparsityPenalty { Target = 0.05, Weight = 10, RunningMean = 0.9 }]);
        double plain = Train([]);
        Assert.InRange(sparse, 0.03, 0.08);
        Assert.True(plain > 0.2, $"the unpenalised model's mean activation {plain:F3} should be far from 0.05");
    }

    [Fact]
    public void Penalties_that_need_sigmoid_units_say_so()
    {
        TorchRuntime.SetSeed(10);
        using var model = (DenseAutoencoder)new DenseAutoencoderConfig { Layers = [20, 6], CodeActivation = Activation.Relu }.Build();
        using Tensor x = torch.rand(4, 20);
        var e = Assert.Throws<InvalidOperationException>(() => new KlSparsityPenalty().Compute(Context(model, x)));
        Assert.Contains("sigmoid", e.Message, StringComparison.Ordinal);
        Assert.Contains("encoder.0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void L1_activity_penalty_is_the_batch_mean_of_summed_absolute_activations()
    {
        TorchRuntime.SetSeed(11);
        using var model = (DenseAutoencoder)new DenseAutoencoderConfig { Layers = [20, 6], CodeActivation = Activation.Tanh }.Build();
        using Tensor x = torch.rand(5, 20);
        LossContext context = Context(model, x);
        Tensor h = context.Output.Code;
        Assert.Equal(h.abs().sum().item<float>() / 5, new L1ActivityPenalty().Compute(context).item<float>(), 1e-5);
    }
}
