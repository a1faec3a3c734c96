using System.Text.Json;
using System.Text.Json.Nodes;
using AutoEncoders.Models;
using AutoEncoders.Persistence;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Interop.PyTorch;

/// <summary>
/// A model's weights as a safetensors file that PyTorch reads, and back. Tensor names are the model's state
/// dictionary keys ("encoder.0.weight", "decoder.1.bias", "encoder_norm.0.running_mean", ...), the same keys a
/// PyTorch module with the same attribute names has; docs/interop.md maps them onto a <c>torch.nn.Sequential</c>.
/// The file's metadata carries the architecture ("ae.config", the model section of model.json), so that a file
/// written here needs no recipe to load back.
/// </summary>
public static class PyTorchWeights
{
    /// <summary>Metadata key of the metadata format version ("1").</summary>
    public const string FormatKey = "ae.format";

    /// <summary>Metadata key of the model kind ("dense", "conv", ...).</summary>
    public const string KindKey = "ae.kind";

    /// <summary>Metadata key of the architecture: the model section of model.json, as JSON.</summary>
    public const string ConfigKey = "ae.config";

    /// <summary>Writes every tensor of <paramref name="model"/>'s state dictionary (parameters and buffers) to <paramref name="path"/>.</summary>
    public static void Save(Autoencoder model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        string config = JsonSerializer.Serialize(model.Config, JsonDefaults.Options);
        var metadata = new Dictionary<string, string>
        {
            [FormatKey] = "1",
            [KindKey] = JsonNode.Parse(config)?["kind"]?.GetValue<string>() ?? "unknown",
            [ConfigKey] = config,
        };
        var tensors = new List<SafetensorsTensor>();
        using (torch.NewDisposeScope())
        {
            foreach ((string name, Tensor tensor) in model.state_dict())
            {
                tensors.Add(SafetensorsTensor.FromTensor(name, tensor));
            }
        }

        new SafetensorsFile(tensors, metadata).Write(path);
    }

    /// <summary>
    /// The architecture a file written by <see cref="Save"/> records, or null when it records none (a file written
    /// by PyTorch without the "ae.config" metadata).
    /// </summary>
    /// <exception cref="InvalidDataException">The recorded architecture is not valid.</exception>
    public static ModelConfig? ReadConfig(SafetensorsFile file, string source)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (!file.Metadata.TryGetValue(ConfigKey, out string? json))
        {
            return null;
        }

        string where = $"{source}: metadata \"{ConfigKey}\"";
        ModelConfig config = JsonFile.Deserialize<ModelConfig>(json, where);
        JsonFile.CheckSection(where, "model", config.Validate);
        return config;
    }

    /// <summary>
    /// Loads <paramref name="file"/> into <paramref name="model"/>. Every tensor of the model's state dictionary
    /// must be in the file with its shape, and the file must hold nothing else; the first tensor that does not fit
    /// is named and nothing is changed. Floating-point tensors load from any floating-point dtype (PyTorch saves
    /// float32 by default; float64 and half precision are converted), integer buffers from any integer dtype.
    /// </summary>
    /// <exception cref="InvalidDataException">The file holds the weights of another architecture; the message names the tensor.</exception>
    public static void Load(Autoencoder model, SafetensorsFile file, string source)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(file);
        Dictionary<string, Tensor> state = model.state_dict();
        var byName = file.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        foreach ((string name, Tensor target) in state)
        {
            if (!byName.TryGetValue(name, out SafetensorsTensor? found))
            {
                throw new InvalidDataException(
                    $"{source}: tensor '{name}': expected shape {SafetensorsTensor.FormatShape(target.shape)}, found no such tensor (the file holds {Names(file)}); it holds the weights of another architecture.");
            }

            if (!found.Shape.SequenceEqual(target.shape))
            {
                throw new InvalidDataException(
                    $"{source}: tensor '{name}': expected shape {SafetensorsTensor.FormatShape(target.shape)}, found {SafetensorsTensor.FormatShape(found.Shape)}; the file holds the weights of another architecture.");
            }

            if (IsFloating(found.DType) != target.is_floating_point() || found.DType == "BOOL")
            {
                throw new InvalidDataException(
                    $"{source}: tensor '{name}': expected dtype {SafetensorsTensor.DTypeOf(target.dtype)}, found {found.DType}.");
            }
        }

        SafetensorsTensor? extra = file.Tensors.FirstOrDefault(t => !state.ContainsKey(t.Name));
        if (extra is not null)
        {
            throw new InvalidDataException(
                $"{source}: tensor '{extra.Name}': expected only this model's tensors ({string.Join(", ", state.Keys)}), found this one too; the file holds the weights of another architecture.");
        }

        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        foreach ((string name, Tensor target) in state)
        {
            target.copy_(byName[name].ToTensor());
        }
    }

    /// <summary>Reads <paramref name="path"/> and loads it into <paramref name="model"/> (see <see cref="Load(Autoencoder, SafetensorsFile, string)"/>).</summary>
    public static void Load(Autoencoder model, string path) => Load(model, SafetensorsFile.Read(path), path);

    private static string Names(SafetensorsFile file) =>
        file.Tensors.Count == 0 ? "no tensors" : string.Join(", ", file.Tensors.Take(6).Select(t => t.Name)) + (file.Tensors.Count > 6 ? ", ..." : "");

    private static bool IsFloating(string dtype) => dtype is "F64" or "F32" or "F16" or "BF16";
}
