using AutoEncoders.Runtime;
using AutoEncoders.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using OptimizerOptions = AutoEncoders.Training.OptimizerOptions;

namespace AutoEncoders.Tests.Training;

public sealed class FusedOptimizerTests
{
    public static TheoryData<OptimizerKind, double> Settings => new()
    {
        { OptimizerKind.Adam, 0 },
        { OptimizerKind.Adam, 0.01 },
        { OptimizerKind.AdamW, 0.01 },
        { OptimizerKind.Sgd, 0.01 },
        { OptimizerKind.RmsProp, 0 },
    };

    [Theory]
    [MemberData(nameof(Settings))]
    public void Updates_match_TorchSharp_over_several_steps(OptimizerKind kind, double weightDecay)
    {
        TorchRuntime.SetSeed(3);
        var options = new OptimizerOptions { Kind = kind, LearningRate = 0.01, WeightDecay = weightDecay, Momentum = kind == OptimizerKind.Sgd ? 0.9 : 0 };

        // Odd sizes exercise the scalar tail after the vector loop; the large one the parallel chunks.
        long[][] shapes = [[37, 29], [29], [300, 257]];
        Parameter[] ours = [.. shapes.Select(s => new Parameter(torch.randn(s)))];
        Parameter[] theirs = [.. ours.Select(p => new Parameter(p.detach().clone()))];
        Tensor[] initial = [.. ours.Select(p => p.detach().clone())];
        using optim.Optimizer fused = options.Create(ours);
        using optim.Optimizer reference = Reference(options, theirs);

        for (int step = 0; step < 6; step++)
        {
            for (int i = 0; i < ours.Length; i++)
            {
                // Gradients of very different scales, as in a real network (Adam's denominator matters).
                using Tensor g = torch.randn(shapes[i]) * Math.Pow(10, step % 3 - 1);
                ours[i].grad = g.clone();
                theirs[i].grad = g.clone();
            }

            fused.step();
            reference.step();
        }

        for (int i = 0; i < ours.Length; i++)
        {
            double difference = (ours[i] - theirs[i]).abs().max().item<float>();
            double moved = (ours[i] - initial[i]).abs().max().item<float>();
            Assert.True(difference <= 1e-6, $"{kind} (weight decay {weightDecay}): parameter {i} differs from TorchSharp's by {difference:G3}");

            // The parameters really moved (a step that does nothing would also "match").
            Assert.True(moved > 1e-3, $"{kind}: parameter {i} moved only {moved:G3}");
        }
    }

    [Fact]
    public void Adam_and_AdamW_take_the_fused_step_and_keep_checkpoint_names()
    {
        Parameter[] p = [new Parameter(torch.ones(3))];
        using optim.Optimizer adam = new OptimizerOptions { Kind = OptimizerKind.Adam }.Create(p);
        using optim.Optimizer adamW = new OptimizerOptions { Kind = OptimizerKind.AdamW }.Create(p);

        Assert.IsType<AutoEncoders.Training.Optimizers.Adam>(adam);
        Assert.IsType<AutoEncoders.Training.Optimizers.AdamW>(adamW);

        // Checkpoints name the optimiser by its type name: a state written by TorchSharp's Adam loads into ours.
        Parameter[] q = [new Parameter(torch.ones(3))];
        using var theirs = torch.optim.Adam(q, 0.1);
        q[0].grad = torch.full(3, 2f);
        theirs.step();
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            theirs.save_state_dict(writer);
        }

        stream.Position = 0;
        using var reader = new BinaryReader(stream);
        ((OptimizerHelper)adam).load_state_dict(reader);
        var state = (TorchSharp.Modules.Adam.State)((OptimizerHelper)adam).state_dict().State[0];
        Assert.Equal(1, state.step);
        Assert.Equal(0.2f, state.exp_avg[0].item<float>(), 1e-6f);
    }

    [Fact]
    public void Non_contiguous_or_double_parameters_fall_back_to_TorchSharps_step()
    {
        var ours = new Parameter(torch.randn(4, 5, dtype: ScalarType.Float64));
        var theirs = new Parameter(ours.detach().clone());
        using optim.Optimizer fused = new OptimizerOptions { Kind = OptimizerKind.Adam, LearningRate = 0.1 }.Create([ours]);
        using var reference = torch.optim.Adam([theirs], 0.1, 0.9, 0.999);
        for (int s = 0; s < 3; s++)
        {
            using Tensor g = torch.randn(4, 5, dtype: ScalarType.Float64);
            ours.grad = g.clone();
            theirs.grad = g.clone();
            fused.step();
            reference.step();
        }

        Assert.True(ours.allclose(theirs, rtol: 0, atol: 1e-12));
        Assert.False(ours.allclose(torch.zeros(4, 5, dtype: ScalarType.Float64)));
    }

    private static optim.Optimizer Reference(OptimizerOptions o, IEnumerable<Parameter> parameters) => o.Kind switch
    {
        OptimizerKind.Adam => torch.optim.Adam(parameters, o.LearningRate, o.Beta1, o.Beta2, o.Epsilon, o.WeightDecay),
        OptimizerKind.AdamW => torch.optim.AdamW(parameters, o.LearningRate, o.Beta1, o.Beta2, o.Epsilon, o.WeightDecay),
        OptimizerKind.Sgd => torch.optim.SGD(parameters, o.LearningRate, o.Momentum, dampening: 0, o.WeightDecay, o.Nesterov),
        _ => torch.optim.RMSProp(parameters, o.LearningRate, alpha: 0.99, eps: o.Epsilon, weight_decay: o.WeightDecay, momentum: o.Momentum),
    };
}
