using System.CommandLine;
using System.Globalization;
using AutoEncoders.Objectives;
using AutoEncoders.Objectives.Corruptions;

namespace AutoEncoders.Cli;

/// <summary>
/// The objective flags `ae train` and `ae pretrain` share, spelled and meaning the same on both: --noise KIND:AMOUNT,
/// --l1 WEIGHT, --kl RHO:WEIGHT, and --contractive WEIGHT, the squared Frobenius norm of the encoder's Jacobian
/// (Rifai et al., 2011) computed exactly unless --contractive-method says otherwise. (`ae pretrain --contractive`
/// used to mean the closed form; for the one sigmoid layer each pretraining step trains the two are the same number,
/// so old command lines keep their meaning; `--contractive-method closed_form` asks for the faster formula.)
/// </summary>
internal sealed class ObjectiveFlags
{
    public ObjectiveFlags(string where)
    {
        Noise = new Option<string?>("--noise") { Description = $"Corruption of the inputs of {where} (denoising): gaussian:0.5, masking:0.25, salt_and_pepper:0.1, or none." };
        L1 = new Option<double?>("--l1") { Description = $"Add an L1 activity penalty with this weight on {where}'s code (sparse)." };
        Kl = new Option<string?>("--kl") { Description = $"Add a KL sparsity penalty RHO:WEIGHT on {where}'s code, e.g. 0.05:0.1 (sparse; the code needs a sigmoid activation)." };
        Contractive = new Option<double?>("--contractive") { Description = $"Add a contractive penalty with this weight on {where}: the squared Frobenius norm of the encoder's Jacobian, computed as --contractive-method says." };
        ContractiveMethod = EnumOption.Create<JacobianMethod>("--contractive-method", "How --contractive computes the Jacobian norm: exact (double backpropagation, any encoder; the default), closed_form (one affine layer with an element-wise activation: the same number, faster) or estimate (random projections).");
    }

    public Option<string?> Noise { get; }

    public Option<double?> L1 { get; }

    public Option<string?> Kl { get; }

    public Option<double?> Contractive { get; }

    public Option<JacobianMethod?> ContractiveMethod { get; }

    /// <summary>The flags, for adding to a command or refusing them beside a recipe.</summary>
    public Option[] All => [Noise, L1, Kl, Contractive, ContractiveMethod];

    public void AddTo(Command command)
    {
        foreach (Option option in All)
        {
            command.Options.Add(option);
        }
    }

    /// <summary><paramref name="objective"/> with the given flags' penalties added and its corruption replaced when --noise is given.</summary>
    public Objective Apply(ParseResult parse, Objective objective) => new()
    {
        Reconstruction = objective.Reconstruction,
        Penalties = [.. objective.Penalties, .. Penalties(parse)],
        Corruption = parse.GetValue(Noise) is null ? objective.Corruption : Corruption(parse),
    };

    /// <summary>The penalties the flags ask for, in the order --l1, --kl, --contractive.</summary>
    public List<LossTerm> Penalties(ParseResult parse)
    {
        var penalties = new List<LossTerm>();
        if (parse.GetValue(L1) is double w)
        {
            penalties.Add(new L1ActivityPenalty { Weight = w });
        }

        if (parse.GetValue(Kl) is string kl)
        {
            string[] parts = kl.Split(':');
            if (parts.Length != 2
                || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double rho)
                || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double beta))
            {
                throw new ArgumentException($"--kl: '{kl}' is not RHO:WEIGHT, e.g. 0.05:0.1.");
            }

            penalties.Add(new KlSparsityPenalty { Target = rho, Weight = beta });
        }

        JacobianMethod? method = parse.GetValue(ContractiveMethod);
        if (parse.GetValue(Contractive) is double c)
        {
            penalties.Add(new ContractivePenalty { Method = method ?? JacobianMethod.Exact, Weight = c });
        }
        else if (method is not null)
        {
            throw new ArgumentException("--contractive-method: applies to --contractive, which was not given.");
        }

        return penalties;
    }

    /// <summary>The corruption --noise asks for; null for none or when it is not given.</summary>
    public Corruption? Corruption(ParseResult parse)
    {
        string? noise = parse.GetValue(Noise);
        if (noise is null or "none")
        {
            return null;
        }

        string[] parts = noise.Split(':', 2);
        double amount = parts.Length == 2 && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double a)
            ? a
            : throw new ArgumentException($"--noise: '{noise}' is not KIND:AMOUNT, e.g. masking:0.25.");
        return parts[0] switch
        {
            "gaussian" => new GaussianNoise { Factor = amount },
            "masking" => new MaskingNoise { Fraction = amount },
            "salt_and_pepper" or "salt-and-pepper" => new SaltAndPepperNoise { Fraction = amount },
            string other => throw new ArgumentException($"--noise: '{other}' is not known; expected gaussian, masking, salt_and_pepper or none."),
        };
    }
}
