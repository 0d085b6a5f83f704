// ts-jest expects { name, version, factory(tsCompiler, options) }; the Swagger plugin exports before(options, program).
const { before } = require('@nestjs/swagger/plugin');

module.exports = {
  name: 'nestjs-swagger-transformer',
  version: 1,
  factory: (tsCompiler, options) => before(options, tsCompiler.program),
};
