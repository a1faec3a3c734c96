using AutoEncoders.Cli;

return AeApplication.Run(args);
