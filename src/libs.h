/*
 * Libraries binome loads when it needs them (dlopen), not at start:
 * libzip brings libcrypto, libxml2 brings ICU and libstdc++, and
 * libmicrohttpd GnuTLS; linked, they would double the time a small
 * build takes.  Their functions keep their names: each is a macro for
 * a pointer in the library's table, which the first use fills in.
 * Include after the library's own header.
 */
#ifndef LIBS_H
#define LIBS_H

#define LIB_SLOT(f)	__typeof__(f) *f;

/* serve reads files out of the packages. */
#ifdef _HAD_ZIP_H
#define LIBZIP_FUNCS(X)							\
	X(zip_discard) X(zip_fclose) X(zip_fopen_index) X(zip_fread)	\
	X(zip_name_locate) X(zip_open) X(zip_stat_index)
struct libzip { LIBZIP_FUNCS(LIB_SLOT) };
const struct libzip *libzip(void);
#define zip_discard			(libzip()->zip_discard)
#define zip_fclose			(libzip()->zip_fclose)
#define zip_fopen_index			(libzip()->zip_fopen_index)
#define zip_fread			(libzip()->zip_fread)
#define zip_name_locate			(libzip()->zip_name_locate)
#define zip_open			(libzip()->zip_open)
#define zip_stat_index			(libzip()->zip_stat_index)
#endif

#ifdef __XML_SCHEMATRON_H__
#define LIBXML_FUNCS(X)							\
	X(xmlDocGetRootElement) X(xmlFreeDoc) X(xmlReadMemory)		\
	X(xmlSchemaFree) X(xmlSchemaFreeParserCtxt)			\
	X(xmlSchemaFreeValidCtxt) X(xmlSchemaNewParserCtxt)		\
	X(xmlSchemaNewValidCtxt) X(xmlSchemaParse)			\
	X(xmlSchemaSetValidStructuredErrors) X(xmlSchemaValidateDoc)	\
	X(xmlSchematronFree) X(xmlSchematronFreeParserCtxt)		\
	X(xmlSchematronFreeValidCtxt) X(xmlSchematronNewParserCtxt)	\
	X(xmlSchematronNewValidCtxt) X(xmlSchematronParse)		\
	X(xmlSchematronValidateDoc) X(xmlSetStructuredErrorFunc)
struct libxml { LIBXML_FUNCS(LIB_SLOT) };
const struct libxml *libxml(void);
#define xmlDocGetRootElement		(libxml()->xmlDocGetRootElement)
#define xmlFreeDoc			(libxml()->xmlFreeDoc)
#define xmlReadMemory			(libxml()->xmlReadMemory)
#define xmlSchemaFree			(libxml()->xmlSchemaFree)
#define xmlSchemaFreeParserCtxt		(libxml()->xmlSchemaFreeParserCtxt)
#define xmlSchemaFreeValidCtxt		(libxml()->xmlSchemaFreeValidCtxt)
#define xmlSchemaNewParserCtxt		(libxml()->xmlSchemaNewParserCtxt)
#define xmlSchemaNewValidCtxt		(libxml()->xmlSchemaNewValidCtxt)
#define xmlSchemaParse			(libxml()->xmlSchemaParse)
#define xmlSchemaSetValidStructuredErrors \
	(libxml()->xmlSchemaSetValidStructuredErrors)
#define xmlSchemaValidateDoc		(libxml()->xmlSchemaValidateDoc)
#define xmlSchematronFree		(libxml()->xmlSchematronFree)
#define xmlSchematronFreeParserCtxt	(libxml()->xmlSchematronFreeParserCtxt)
#define xmlSchematronFreeValidCtxt	(libxml()->xmlSchematronFreeValidCtxt)
#define xmlSchematronNewParserCtxt	(libxml()->xmlSchematronNewParserCtxt)
#define xmlSchematronNewValidCtxt	(libxml()->xmlSchematronNewValidCtxt)
#define xmlSchematronParse		(libxml()->xmlSchematronParse)
#define xmlSchematronValidateDoc	(libxml()->xmlSchematronValidateDoc)
#define xmlSetStructuredErrorFunc	(libxml()->xmlSetStructuredErrorFunc)
#endif

#ifdef MHD_VERSION
#define LIBMHD_FUNCS(X)							\
	X(MHD_add_response_header) X(MHD_create_response_from_buffer)	\
	X(MHD_create_response_from_callback)				\
	X(MHD_create_response_from_fd) X(MHD_destroy_response)		\
	X(MHD_lookup_connection_value) X(MHD_queue_response)		\
	X(MHD_start_daemon) X(MHD_stop_daemon)
struct libmhd { LIBMHD_FUNCS(LIB_SLOT) };
const struct libmhd *libmhd(void);
#define MHD_add_response_header		(libmhd()->MHD_add_response_header)
#define MHD_create_response_from_buffer	\
	(libmhd()->MHD_create_response_from_buffer)
#define MHD_create_response_from_callback \
	(libmhd()->MHD_create_response_from_callback)
#define MHD_create_response_from_fd	(libmhd()->MHD_create_response_from_fd)
#define MHD_destroy_response		(libmhd()->MHD_destroy_response)
#define MHD_lookup_connection_value	(libmhd()->MHD_lookup_connection_value)
#define MHD_queue_response		(libmhd()->MHD_queue_response)
#define MHD_start_daemon		(libmhd()->MHD_start_daemon)
#define MHD_stop_daemon			(libmhd()->MHD_stop_daemon)
#endif

#endif /* LIBS_H */
