using AutoEncoders.Models;
using AutoEncoders.Models.Variational;
using AutoEncoders.Objectives;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AutoEncoders.Tests.Models.Variational;

/// <summary>
/// The check that a variational model's two spread parameterisations (log sigma^2 and softplus sigma) are the same
/// model for the same sigma, shared by the dense and convolutional VAE tests.
/// </summary>
internal static class SpreadParameterizationCheck
{
    /// <summary>
    /// Gives <paramref name="sigmaModel"/> the weights of <paramref name="logVarianceModel"/>, then through zeroed
    /// spread weights and a chosen bias each latent unit the sigma of <paramref name="sigma"/> under either head;
    /// asserts the same <paramref name="negativeElbo"/> on <paramref name="x"/> (same eps) and that another sigma changes it.
    /// </summary>
    public static void SameLossForTheSameSigma(
        VariationalModel logVarianceModel, Linear logVarianceHead, VariationalModel sigmaModel, Linear sigmaHead, double[] sigma, Tensor x, Objective negativeElbo)
    {
        sigmaModel.load_state_dict(logVarianceModel.state_dict());
        using (torch.no_grad())
        {
            // log sigma^2 = b, or sigma = softplus(b) + floor, i.e. b = log(exp(sigma - floor) - 1).
            logVarianceHead.weight!.zero_();
            sigmaHead.weight!.zero_();
            logVarianceHead.bias!.copy_(torch.tensor(sigma.Select(s => 2 * Math.Log(s)).ToArray(), ScalarType.Float32));
            sigmaHead.bias!.copy_(torch.tensor(sigma.Select(s => Math.Log(Math.Exp(s - VariationalModel.SigmaFloor) - 1)).ToArray(), ScalarType.Float32));
        }

        double Loss(VariationalModel model)
        {
            using var generator = new Generator(99);
            model.SamplingGenerator = generator;
            AutoencoderOutput output = model.forward(x);
            double value = negativeElbo.Compute(new LossContext { Model = model, Target = x, Input = x, Output = output }).Total.item<float>();
            model.SamplingGenerator = null;
            return value;
        }

        double a = Loss(logVarianceModel), b = Loss(sigmaModel);
        Assert.True(a > 100, $"a real loss in nats is expected; got {a}");
        Assert.Equal(a, b, 1e-4 * a);

        // And the spread really matters: another sigma changes the loss.
        using (torch.no_grad())
        {
            sigmaHead.bias!.add_(1.0);
        }

        Assert.True(Math.Abs(Loss(sigmaModel) - a) > 1, "a different sigma should change the loss");
    }
}
